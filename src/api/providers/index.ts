/** Every typed provider, keyed by its name under spec.provider. */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { AkeylessProviderSchema } from "./akeyless.js";
import { AWSProviderSchema } from "./aws.js";
import { AzureKVProviderSchema } from "./azurekv.js";
import { DopplerProviderSchema } from "./doppler.js";
import { FakeProviderSchema, FakeProviderV1beta1Schema } from "./fake.js";
import { GCPSMProviderSchema } from "./gcpsm.js";
import { GitlabProviderSchema } from "./gitlab.js";
import { KubernetesProviderSchema } from "./kubernetes.js";
import { OnePasswordProviderSchema } from "./onepassword.js";
import { VaultProviderSchema } from "./vault.js";
import { WebhookProviderSchema } from "./webhook.js";

export const providerSchemas = {
  akeyless: AkeylessProviderSchema,
  aws: AWSProviderSchema,
  azurekv: AzureKVProviderSchema,
  doppler: DopplerProviderSchema,
  fake: FakeProviderSchema,
  gcpsm: GCPSMProviderSchema,
  gitlab: GitlabProviderSchema,
  kubernetes: KubernetesProviderSchema,
  onepassword: OnePasswordProviderSchema,
  vault: VaultProviderSchema,
  webhook: WebhookProviderSchema,
};
export type ProviderName = keyof typeof providerSchemas;
export const providerNames = Object.keys(providerSchemas) as ProviderName[];

/** spec.provider: exactly one key must be set (checked by validation, not the schema). */
function providerBlock<F extends TSchema>(fake: F) {
  return Type.Object(
    {
      akeyless: Type.Optional(AkeylessProviderSchema),
      aws: Type.Optional(AWSProviderSchema),
      azurekv: Type.Optional(AzureKVProviderSchema),
      doppler: Type.Optional(DopplerProviderSchema),
      fake: Type.Optional(fake),
      gcpsm: Type.Optional(GCPSMProviderSchema),
      gitlab: Type.Optional(GitlabProviderSchema),
      kubernetes: Type.Optional(KubernetesProviderSchema),
      onepassword: Type.Optional(OnePasswordProviderSchema),
      vault: Type.Optional(VaultProviderSchema),
      webhook: Type.Optional(WebhookProviderSchema),
    },
    { minProperties: 1, maxProperties: 1 },
  );
}

/** spec.provider (v1): exactly one key may be set. */
export const SecretStoreProviderSchema = providerBlock(FakeProviderSchema);
/** spec.provider (v1beta1): as v1 but with the v1beta1 fake provider. */
export const SecretStoreProviderV1beta1Schema = providerBlock(FakeProviderV1beta1Schema);
export type SecretStoreProvider = Static<typeof SecretStoreProviderSchema>;

export type { AkeylessProvider } from "./akeyless.js";
export type { AWSProvider } from "./aws.js";
export type { AzureKVProvider } from "./azurekv.js";
export type { DopplerProvider } from "./doppler.js";
export type { FakeProvider } from "./fake.js";
export type { GCPSMProvider } from "./gcpsm.js";
export type { GitlabProvider } from "./gitlab.js";
export type { KubernetesProvider } from "./kubernetes.js";
export type { OnePasswordProvider } from "./onepassword.js";
export type { VaultProvider } from "./vault.js";
export type { WebhookProvider } from "./webhook.js";
