/**
 * The providers this operator ships. The composition root (the controllers, `eso webhook`, `eso validate`,
 * `eso render`) registers them; a new provider adds one line here. Their cloud SDKs load when a store of theirs
 * first builds a client, not when this list is imported.
 */
import { akeylessProvider } from "./akeyless/index.js";
import { awsProvider } from "./aws/index.js";
import { azureKVProvider } from "./azurekv/index.js";
import { dopplerProvider } from "./doppler/index.js";
import { fakeProvider } from "./fake/index.js";
import { gcpSMProvider } from "./gcpsm/index.js";
import { gitlabProvider } from "./gitlab/index.js";
import { kubernetesProvider } from "./kubernetes/index.js";
import { onePasswordProvider } from "./onepassword/index.js";
import type { Provider } from "./provider.js";
import { ProviderRegistry } from "./registry.js";
import { vaultProvider } from "./vault/index.js";
import { webhookProvider } from "./webhook/index.js";

export const builtinProviders: readonly Provider[] = [
  akeylessProvider,
  awsProvider,
  azureKVProvider,
  dopplerProvider,
  fakeProvider,
  gcpSMProvider,
  gitlabProvider,
  kubernetesProvider,
  onePasswordProvider,
  vaultProvider,
  webhookProvider,
];

/** Registers every built-in provider (a provider registered before under the same name is replaced). */
export function registerBuiltinProviders(registry: ProviderRegistry = new ProviderRegistry()): ProviderRegistry {
  for (const p of builtinProviders) registry.register(p);
  return registry;
}
