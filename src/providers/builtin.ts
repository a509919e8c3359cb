/**
 * The providers this operator ships. The composition root (the controllers, `eso webhook`, `eso validate`,
 * `eso render`) registers them; a new provider adds one line here. Their cloud SDKs load when a store of theirs
 * first builds a client, not when this list is imported.
 */
import { akeylessProvider } from "./akeyless/index.js";
import { awsProvider } from "./aws/index.js";
import { azureKVProvider } from "./azurekv/index.js";
import { bitwardenSecretsManagerProvider } from "./bitwardensecretsmanager/index.js";
import { conjurProvider } from "./conjur/index.js";
import { crdProvider } from "./crd/index.js";
import { delineaProvider } from "./delinea/index.js";
import { dopplerProvider } from "./doppler/index.js";
import { fakeProvider } from "./fake/index.js";
import { gcpSMProvider } from "./gcpsm/index.js";
import { githubProvider } from "./github/index.js";
import { gitlabProvider } from "./gitlab/index.js";
import { ibmProvider } from "./ibm/index.js";
import { infisicalProvider } from "./infisical/index.js";
import { keeperSecurityProvider } from "./keepersecurity/index.js";
import { kubernetesProvider } from "./kubernetes/index.js";
import { onePasswordProvider } from "./onepassword/index.js";
import { onePasswordSDKProvider } from "./onepasswordSDK/index.js";
import { openBaoProvider } from "./openBao/index.js";
import { oracleProvider } from "./oracle/index.js";
import type { Provider } from "./provider.js";
import { pulumiProvider } from "./pulumi/index.js";
import { ProviderRegistry } from "./registry.js";
import { scalewayProvider } from "./scaleway/index.js";
import { secretServerProvider } from "./secretserver/index.js";
import { vaultProvider } from "./vault/index.js";
import { webhookProvider } from "./webhook/index.js";

export const builtinProviders: readonly Provider[] = [
  akeylessProvider,
  awsProvider,
  azureKVProvider,
  bitwardenSecretsManagerProvider,
  conjurProvider,
  crdProvider,
  delineaProvider,
  dopplerProvider,
  fakeProvider,
  gcpSMProvider,
  githubProvider,
  gitlabProvider,
  ibmProvider,
  infisicalProvider,
  keeperSecurityProvider,
  kubernetesProvider,
  onePasswordProvider,
  openBaoProvider,
  oracleProvider,
  pulumiProvider,
  scalewayProvider,
  secretServerProvider,
  onePasswordSDKProvider,
  vaultProvider,
  webhookProvider,
];

/** Registers every built-in provider (a provider registered before under the same name is replaced). */
export function registerBuiltinProviders(registry: ProviderRegistry = new ProviderRegistry()): ProviderRegistry {
  for (const p of builtinProviders) registry.register(p);
  return registry;
}
