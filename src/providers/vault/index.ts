import { registerProvider } from "../registry.js";
import { VaultSecretsProvider } from "./provider.js";

export { type VaultProviderOptions, VaultSecretsProvider } from "./provider.js";
export { clearTokenCache } from "./token-cache.js";

registerProvider(new VaultSecretsProvider());
