/**
 * Every typed provider, keyed by its name under spec.provider: the one place a provider key is declared (the
 * SecretStore schema and its CRD are built from it).
 */
import { type Static, type TOptional, type TSchema, Type } from "@sinclair/typebox";
import { AkeylessProviderSchema } from "./akeyless.js";
import { AWSProviderSchema } from "./aws.js";
import { AzureKVProviderSchema } from "./azurekv.js";
import { BarbicanProviderSchema } from "./barbican.js";
import { BeyondtrustProviderSchema, BeyondtrustWorkloadCredentialsProviderSchema } from "./beyondtrust.js";
import { BitwardenSecretsManagerProviderSchema } from "./bitwardensecretsmanager.js";
import { ChefProviderSchema } from "./chef.js";
import { CloudruSMProviderSchema } from "./cloudrusm.js";
import { ConjurProviderSchema } from "./conjur.js";
import { CRDProviderSchema } from "./crd.js";
import { DelineaProviderSchema } from "./delinea.js";
import { DopplerProviderSchema } from "./doppler.js";
import { DVLSProviderSchema } from "./dvls.js";
import { FakeProviderSchema, FakeProviderV1beta1Schema } from "./fake.js";
import { FortanixProviderSchema } from "./fortanix.js";
import { GCPSMProviderSchema } from "./gcpsm.js";
import { GithubProviderSchema } from "./github.js";
import { GitlabProviderSchema } from "./gitlab.js";
import { IBMProviderSchema } from "./ibm.js";
import { InfisicalProviderSchema } from "./infisical.js";
import { KeeperSecurityProviderSchema } from "./keepersecurity.js";
import { KubernetesProviderSchema } from "./kubernetes.js";
import { NebiusMysteryboxProviderSchema } from "./nebiusmysterybox.js";
import { NgrokProviderSchema } from "./ngrok.js";
import { OnboardbaseProviderSchema } from "./onboardbase.js";
import { OnePasswordProviderSchema } from "./onepassword.js";
import { OnePasswordSDKProviderSchema } from "./onepasswordsdk.js";
import { OpenBaoProviderSchema } from "./openbao.js";
import { OracleProviderSchema } from "./oracle.js";
import { OvhProviderSchema } from "./ovh.js";
import { PassboltProviderSchema } from "./passbolt.js";
import { PasswordDepotProviderSchema } from "./passworddepot.js";
import { PreviderProviderSchema } from "./previder.js";
import { PulumiProviderSchema } from "./pulumi.js";
import { ScalewayProviderSchema } from "./scaleway.js";
import { SecretServerProviderSchema } from "./secretserver.js";
import { SenhaseguraProviderSchema } from "./senhasegura.js";
import { VaultProviderSchema } from "./vault.js";
import { VolcengineProviderSchema } from "./volcengine.js";
import { WebhookProviderSchema } from "./webhook.js";
import { YandexCertificateManagerProviderSchema } from "./yandexcertificatemanager.js";
import { YandexLockboxProviderSchema } from "./yandexlockbox.js";

export const providerSchemas = {
  akeyless: AkeylessProviderSchema,
  aws: AWSProviderSchema,
  azurekv: AzureKVProviderSchema,
  barbican: BarbicanProviderSchema,
  beyondtrust: BeyondtrustProviderSchema,
  beyondtrustworkloadcredentials: BeyondtrustWorkloadCredentialsProviderSchema,
  bitwardensecretsmanager: BitwardenSecretsManagerProviderSchema,
  chef: ChefProviderSchema,
  cloudrusm: CloudruSMProviderSchema,
  conjur: ConjurProviderSchema,
  crd: CRDProviderSchema,
  delinea: DelineaProviderSchema,
  doppler: DopplerProviderSchema,
  dvls: DVLSProviderSchema,
  fake: FakeProviderSchema,
  fortanix: FortanixProviderSchema,
  gcpsm: GCPSMProviderSchema,
  github: GithubProviderSchema,
  gitlab: GitlabProviderSchema,
  ibm: IBMProviderSchema,
  infisical: InfisicalProviderSchema,
  keepersecurity: KeeperSecurityProviderSchema,
  kubernetes: KubernetesProviderSchema,
  nebiusmysterybox: NebiusMysteryboxProviderSchema,
  ngrok: NgrokProviderSchema,
  onboardbase: OnboardbaseProviderSchema,
  onepassword: OnePasswordProviderSchema,
  openBao: OpenBaoProviderSchema,
  oracle: OracleProviderSchema,
  ovh: OvhProviderSchema,
  passbolt: PassboltProviderSchema,
  passworddepot: PasswordDepotProviderSchema,
  previder: PreviderProviderSchema,
  pulumi: PulumiProviderSchema,
  scaleway: ScalewayProviderSchema,
  secretserver: SecretServerProviderSchema,
  onepasswordSDK: OnePasswordSDKProviderSchema,
  senhasegura: SenhaseguraProviderSchema,
  vault: VaultProviderSchema,
  volcengine: VolcengineProviderSchema,
  webhook: WebhookProviderSchema,
  yandexcertificatemanager: YandexCertificateManagerProviderSchema,
  yandexlockbox: YandexLockboxProviderSchema,
};
export type ProviderName = keyof typeof providerSchemas;
export const providerNames = Object.keys(providerSchemas) as ProviderName[];

type ProviderSchemas = { [K in ProviderName]: TSchema };
type ProviderProperties<S extends ProviderSchemas> = { [K in ProviderName]: TOptional<S[K]> };

/** spec.provider: one optional property per provider of the table (exactly one set: checked by validation). */
function providerBlock<S extends ProviderSchemas>(schemas: S) {
  const properties = Object.fromEntries(
    providerNames.map((name) => [name, Type.Optional(schemas[name])]),
  ) as ProviderProperties<S>;
  return Type.Object(properties, { minProperties: 1, maxProperties: 1 });
}

/** spec.provider (v1): exactly one key may be set. */
export const SecretStoreProviderSchema = providerBlock(providerSchemas);
/** spec.provider (v1beta1): as v1 but with the v1beta1 fake provider. */
export const SecretStoreProviderV1beta1Schema = providerBlock({ ...providerSchemas, fake: FakeProviderV1beta1Schema });
export type SecretStoreProvider = Static<typeof SecretStoreProviderSchema>;

export type { AkeylessProvider } from "./akeyless.js";
export type { AWSProvider } from "./aws.js";
export type { AzureKVProvider } from "./azurekv.js";
export type { BitwardenSecretsManagerProvider } from "./bitwardensecretsmanager.js";
export type { ConjurProvider } from "./conjur.js";
export type { CRDProvider } from "./crd.js";
export type { DelineaProvider } from "./delinea.js";
export type { DopplerProvider } from "./doppler.js";
export type { FakeProvider } from "./fake.js";
export type { GCPSMProvider } from "./gcpsm.js";
export type { GithubProvider } from "./github.js";
export type { GitlabProvider } from "./gitlab.js";
export type { IBMProvider } from "./ibm.js";
export type { InfisicalProvider } from "./infisical.js";
export type { KeeperSecurityProvider } from "./keepersecurity.js";
export type { KubernetesProvider } from "./kubernetes.js";
export type { OnePasswordProvider } from "./onepassword.js";
export type { OnePasswordSDKProvider } from "./onepasswordsdk.js";
export type { OpenBaoProvider } from "./openbao.js";
export type { OracleProvider } from "./oracle.js";
export type { PulumiProvider } from "./pulumi.js";
export type { ScalewayProvider } from "./scaleway.js";
export type { SecretServerProvider } from "./secretserver.js";
export type { VaultProvider } from "./vault.js";
export type { WebhookProvider } from "./webhook.js";
