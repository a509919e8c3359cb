/** DVLS login tokens (the `tokenId` header), kept per server and application key. */
import type { CacheKey } from "../provider.js";
import { ExpiringTokenCache } from "../util/expiring-tokens.js";

export const DVLS_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "dvls-tokens",
  create: () => new ExpiringTokenCache(),
};
