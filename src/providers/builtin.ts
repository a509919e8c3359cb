/**
 * The providers this operator ships. The composition root (the controllers, `eso webhook`, `eso validate`,
 * `eso render`) registers them; a new provider adds one line here. Their cloud SDKs load when a store of theirs
 * first builds a client, not when this list is imported.
 */
import { akeylessProvider } from "./akeyless/index.js";
import { awsProvider } from "./aws/index.js";
import { azureKVProvider } from "./azurekv/index.js";
import { barbicanProvider } from "./barbican/index.js";
import { beyondtrustProvider } from "./beyondtrust/index.js";
import { beyondtrustWorkloadCredentialsProvider } from "./beyondtrustworkloadcredentials/index.js";
import { bitwardenSecretsManagerProvider } from "./bitwardensecretsmanager/index.js";
import { chefProvider } from "./chef/index.js";
import { cloudruSMProvider } from "./cloudrusm/index.js";
import { conjurProvider } from "./conjur/index.js";
import { crdProvider } from "./crd/index.js";
import { delineaProvider } from "./delinea/index.js";
import { dopplerProvider } from "./doppler/index.js";
import { dvlsProvider } from "./dvls/index.js";
import { fakeProvider } from "./fake/index.js";
import { fortanixProvider } from "./fortanix/index.js";
import { gcpSMProvider } from "./gcpsm/index.js";
import { githubProvider } from "./github/index.js";
import { gitlabProvider } from "./gitlab/index.js";
import { ibmProvider } from "./ibm/index.js";
import { infisicalProvider } from "./infisical/index.js";
import { keeperSecurityProvider } from "./keepersecurity/index.js";
import { kubernetesProvider } from "./kubernetes/index.js";
import { nebiusMysteryboxProvider } from "./nebiusmysterybox/index.js";
import { ngrokProvider } from "./ngrok/index.js";
import { onboardbaseProvider } from "./onboardbase/index.js";
import { onePasswordProvider } from "./onepassword/index.js";
import { onePasswordSDKProvider } from "./onepasswordSDK/index.js";
import { openBaoProvider } from "./openBao/index.js";
import { oracleProvider } from "./oracle/index.js";
import { ovhProvider } from "./ovh/index.js";
import { passboltProvider } from "./passbolt/index.js";
import { passwordDepotProvider } from "./passworddepot/index.js";
import { previderProvider } from "./previder/index.js";
import type { Provider } from "./provider.js";
import { pulumiProvider } from "./pulumi/index.js";
import { ProviderRegistry } from "./registry.js";
import { scalewayProvider } from "./scaleway/index.js";
import { secretServerProvider } from "./secretserver/index.js";
import { senhaseguraProvider } from "./senhasegura/index.js";
import { vaultProvider } from "./vault/index.js";
import { volcengineProvider } from "./volcengine/index.js";
import { webhookProvider } from "./webhook/index.js";
import { yandexCertificateManagerProvider } from "./yandexcertificatemanager/index.js";
import { yandexLockboxProvider } from "./yandexlockbox/index.js";

export const builtinProviders: readonly Provider[] = [
  akeylessProvider,
  awsProvider,
  azureKVProvider,
  barbicanProvider,
  beyondtrustProvider,
  beyondtrustWorkloadCredentialsProvider,
  bitwardenSecretsManagerProvider,
  chefProvider,
  cloudruSMProvider,
  conjurProvider,
  crdProvider,
  delineaProvider,
  dopplerProvider,
  dvlsProvider,
  fakeProvider,
  fortanixProvider,
  gcpSMProvider,
  githubProvider,
  gitlabProvider,
  ibmProvider,
  infisicalProvider,
  keeperSecurityProvider,
  kubernetesProvider,
  nebiusMysteryboxProvider,
  ngrokProvider,
  onboardbaseProvider,
  onePasswordProvider,
  openBaoProvider,
  oracleProvider,
  passboltProvider,
  ovhProvider,
  passwordDepotProvider,
  previderProvider,
  pulumiProvider,
  scalewayProvider,
  secretServerProvider,
  senhaseguraProvider,
  onePasswordSDKProvider,
  vaultProvider,
  volcengineProvider,
  webhookProvider,
  yandexCertificateManagerProvider,
  yandexLockboxProvider,
];

/** Registers every built-in provider (a provider registered before under the same name is replaced). */
export function registerBuiltinProviders(registry: ProviderRegistry = new ProviderRegistry()): ProviderRegistry {
  for (const p of builtinProviders) registry.register(p);
  return registry;
}
