export { newVaultProvider, type VaultProviderOptions, vaultProvider } from "./provider.js";
