/** senhasegura OAuth2 access tokens, kept per URL and client credentials for most of their lifetime. */
import type { CacheKey } from "../provider.js";
import { ExpiringTokenCache } from "../util/expiring-tokens.js";

export const SENHASEGURA_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "senhasegura-tokens",
  create: () => new ExpiringTokenCache(),
};
