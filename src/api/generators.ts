/** generators.external-secrets.io/v1alpha1 kinds. */
import { type Static, type TOptional, type TSchema, Type } from "@sinclair/typebox";
import { ACRAccessTokenSpecSchema } from "./generators/acr.js";
import { ArtifactoryAccessTokenSpecSchema } from "./generators/artifactory.js";
import { AzureAccessTokenSpecSchema } from "./generators/azureaccesstoken.js";
import { BeyondtrustWorkloadCredentialsDynamicSecretSpecSchema } from "./generators/beyondtrust.js";
import { CloudsmithAccessTokenSpecSchema } from "./generators/cloudsmith.js";
import { CodeArtifactAuthorizationTokenSpecSchema } from "./generators/codeartifact.js";
import { GCRAccessTokenSpecSchema } from "./generators/gcr.js";
import { GithubAccessTokenSpecSchema } from "./generators/github.js";
import { GitlabDeployTokenSpecSchema } from "./generators/gitlab.js";
import { GrafanaSpecSchema } from "./generators/grafana.js";
import { HexSpecSchema } from "./generators/hex.js";
import { MFASpecSchema } from "./generators/mfa.js";
import { QuayAccessTokenSpecSchema } from "./generators/quay.js";
import { RDSIAMAuthTokenSpecSchema } from "./generators/rdsiam.js";
import { ServiceAccountTokenSpecSchema } from "./generators/serviceaccounttoken.js";
import { STSSessionTokenSpecSchema } from "./generators/sts.js";
import { STSAssumeRoleTokenSpecSchema } from "./generators/stsassumerole.js";
import { ConditionSchema, ObjectMetaSchema } from "./meta.js";
import { AWSAuthSchema } from "./providers/aws.js";
import { vaultFields } from "./providers/vault.js";
import { WebhookResultSchema, webhookFields } from "./providers/webhook.js";
import { DateTime, FreeForm, StringEnum, StringMap } from "./schema.js";

export const PasswordEncodingValues = ["base64", "base64url", "base32", "hex", "raw"] as const;

export const PasswordSpecSchema = Type.Object({
  // length, noUpper and allowRepeat are required as upstream; their defaults fill them in when omitted.
  length: Type.Integer({ default: 24, minimum: 0 }),
  digits: Type.Optional(Type.Integer({ minimum: 0, description: "Number of digits; default 25% of length." })),
  symbols: Type.Optional(Type.Integer({ minimum: 0, description: "Number of symbols; default 25% of length." })),
  symbolCharacters: Type.Optional(Type.String()),
  noUpper: Type.Boolean({ default: false }),
  allowRepeat: Type.Boolean({ default: false }),
  encoding: Type.Optional(StringEnum(PasswordEncodingValues, { default: "raw" })),
  secretKeys: Type.Optional(Type.Array(Type.String(), { description: 'Keys to fill; default ["password"].' })),
});
export type PasswordSpec = Static<typeof PasswordSpecSchema>;

export const UUIDSpecSchema = Type.Object({});
export type UUIDSpec = Static<typeof UUIDSpecSchema>;

export const FakeSpecSchema = Type.Object({
  controller: Type.Optional(Type.String()),
  data: Type.Optional(StringMap()),
});
export type FakeSpec = Static<typeof FakeSpecSchema>;

export const SSHKeySpecSchema = Type.Object({
  keyType: Type.Optional(StringEnum(["rsa", "ecdsa", "ed25519"] as const, { default: "rsa" })),
  keySize: Type.Optional(
    Type.Integer({ minimum: 256, maximum: 8192, description: "RSA: 2048, 3072 or 4096; ECDSA: 256, 384 or 521." }),
  ),
  comment: Type.Optional(Type.String()),
});
export type SSHKeySpec = Static<typeof SSHKeySpecSchema>;

export const VaultDynamicSecretSpecSchema = Type.Object({
  controller: Type.Optional(
    Type.String({
      description:
        "The controller class that handles this generator (as a store's spec.controller); empty means every controller.",
    }),
  ),
  method: Type.Optional(Type.String({ description: "HTTP method, default GET." })),
  parameters: Type.Optional(FreeForm({ description: "Request body for non-GET methods." })),
  getParameters: Type.Optional(
    Type.Record(Type.String(), Type.Array(Type.String()), {
      description: "Query string sent on GET calls (each key may repeat); ignored for other methods.",
    }),
  ),
  resultType: Type.Optional(StringEnum(["Data", "Auth", "Raw"] as const, { default: "Data" })),
  provider: Type.Object(vaultFields),
  path: Type.String(),
  allowEmptyResponse: Type.Optional(Type.Boolean({ default: false })),
  retrySettings: Type.Optional(
    Type.Object({
      maxRetries: Type.Optional(Type.Integer({ format: "int32" })),
      retryInterval: Type.Optional(Type.String()),
    }),
  ),
});
export type VaultDynamicSecretSpec = Static<typeof VaultDynamicSecretSpecSchema>;

export const ECRAuthorizationTokenSpecSchema = Type.Object({
  region: Type.String(),
  auth: Type.Optional(AWSAuthSchema),
  role: Type.Optional(Type.String()),
  scope: Type.Optional(StringEnum(["private", "public"] as const)),
});
export type ECRAuthorizationTokenSpec = Static<typeof ECRAuthorizationTokenSpecSchema>;

/** As upstream, the generator requires `result` (the provider does not). */
export const WebhookSpecSchema = Type.Object({ ...webhookFields, result: WebhookResultSchema });
export type WebhookSpec = Static<typeof WebhookSpecSchema>;

/**
 * Every namespaced generator kind, declared once: its spec schema, the key its spec takes inside a ClusterGenerator
 * and its resource plural. The CRDs, the ClusterGenerator schema and validation are built from this table.
 */
export const generatorKinds = {
  Password: { spec: PasswordSpecSchema, clusterKey: "passwordSpec", plural: "passwords" },
  UUID: { spec: UUIDSpecSchema, clusterKey: "uuidSpec", plural: "uuids" },
  Fake: { spec: FakeSpecSchema, clusterKey: "fakeSpec", plural: "fakes" },
  SSHKey: { spec: SSHKeySpecSchema, clusterKey: "sshKeySpec", plural: "sshkeys" },
  VaultDynamicSecret: {
    spec: VaultDynamicSecretSpecSchema,
    clusterKey: "vaultDynamicSecretSpec",
    plural: "vaultdynamicsecrets",
  },
  ECRAuthorizationToken: {
    spec: ECRAuthorizationTokenSpecSchema,
    // Upstream's spelling (sic), kept so ClusterGenerators written for ESO apply unchanged.
    clusterKey: "ecrRAuthorizationTokenSpec",
    plural: "ecrauthorizationtokens",
  },
  Webhook: { spec: WebhookSpecSchema, clusterKey: "webhookSpec", plural: "webhooks" },
  ACRAccessToken: { spec: ACRAccessTokenSpecSchema, clusterKey: "acrAccessTokenSpec", plural: "acraccesstokens" },
  AzureAccessToken: {
    spec: AzureAccessTokenSpecSchema,
    clusterKey: "azureAccessTokenSpec",
    plural: "azureaccesstokens",
  },
  GCRAccessToken: { spec: GCRAccessTokenSpecSchema, clusterKey: "gcrAccessTokenSpec", plural: "gcraccesstokens" },
  BeyondtrustWorkloadCredentialsDynamicSecret: {
    spec: BeyondtrustWorkloadCredentialsDynamicSecretSpecSchema,
    clusterKey: "beyondtrustWorkloadCredentialsDynamicSecretSpec",
    plural: "beyondtrustworkloadcredentialsdynamicsecrets",
  },
  STSSessionToken: { spec: STSSessionTokenSpecSchema, clusterKey: "stsSessionTokenSpec", plural: "stssessiontokens" },
  CodeArtifactAuthorizationToken: {
    spec: CodeArtifactAuthorizationTokenSpecSchema,
    clusterKey: "codeArtifactAuthorizationTokenSpec",
    plural: "codeartifactauthorizationtokens",
  },
  RDSIAMAuthToken: { spec: RDSIAMAuthTokenSpecSchema, clusterKey: "rdsIAMAuthTokenSpec", plural: "rdsiamauthtokens" },
  STSAssumeRoleToken: {
    spec: STSAssumeRoleTokenSpecSchema,
    clusterKey: "stsAssumeRoleTokenSpec",
    plural: "stsassumeroletokens",
  },
  MFA: { spec: MFASpecSchema, clusterKey: "mfaSpec", plural: "mfas" },
  QuayAccessToken: { spec: QuayAccessTokenSpecSchema, clusterKey: "quayAccessTokenSpec", plural: "quayaccesstokens" },
  CloudsmithAccessToken: {
    spec: CloudsmithAccessTokenSpecSchema,
    clusterKey: "cloudsmithAccessTokenSpec",
    plural: "cloudsmithaccesstokens",
  },
  Grafana: { spec: GrafanaSpecSchema, clusterKey: "grafanaSpec", plural: "grafanas" },
  ArtifactoryAccessToken: {
    spec: ArtifactoryAccessTokenSpecSchema,
    clusterKey: "artifactoryAccessTokenSpec",
    plural: "artifactoryaccesstokens",
  },
  Hex: { spec: HexSpecSchema, clusterKey: "hexSpec", plural: "hexes" },
  ServiceAccountToken: {
    spec: ServiceAccountTokenSpecSchema,
    clusterKey: "serviceAccountTokenSpec",
    plural: "serviceaccounttokens",
  },
  GithubAccessToken: {
    spec: GithubAccessTokenSpecSchema,
    clusterKey: "githubAccessTokenSpec",
    plural: "githubaccesstokens",
  },
  GitlabDeployToken: {
    spec: GitlabDeployTokenSpecSchema,
    clusterKey: "gitlabDeployTokenSpec",
    plural: "gitlabdeploytokens",
  },
} as const;
export type GeneratorKind = keyof typeof generatorKinds;
export const GeneratorKinds = Object.keys(generatorKinds) as GeneratorKind[];

type GeneratorTable = typeof generatorKinds;
type ClusterSpecProperties = {
  [K in GeneratorKind as GeneratorTable[K]["clusterKey"]]: TOptional<GeneratorTable[K]["spec"]>;
};

/** ClusterGenerator spec.generator: exactly one `<kind>Spec`, one property per kind of the table above. */
export const GeneratorSpecSchema = Type.Object(
  Object.fromEntries(
    GeneratorKinds.map((kind) => [generatorKinds[kind].clusterKey, Type.Optional(generatorKinds[kind].spec)]),
  ) as ClusterSpecProperties,
  { minProperties: 1, maxProperties: 1 },
);

export const ClusterGeneratorSpecSchema = Type.Object({
  kind: StringEnum(GeneratorKinds),
  generator: GeneratorSpecSchema,
});
export type ClusterGeneratorSpec = Static<typeof ClusterGeneratorSpecSchema>;

export const GeneratorStateSpecSchema = Type.Object({
  garbageCollectionDeadline: Type.Optional(DateTime()),
  resource: FreeForm({ description: "Snapshot of the generator manifest that produced the state." }),
  state: FreeForm({ description: "State produced by the generator, used for cleanup." }),
});
export const GeneratorStateStatusSchema = Type.Object({
  conditions: Type.Optional(Type.Array(ConditionSchema)),
});

/** A whole generator object of the given spec schema. */
export function generatorObjectSchema<S extends TSchema>(spec: S) {
  return Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(ObjectMetaSchema),
    spec: Type.Optional(spec),
  });
}

export const ClusterGeneratorSchema = generatorObjectSchema(ClusterGeneratorSpecSchema);
export const GeneratorStateSchema = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  metadata: Type.Optional(ObjectMetaSchema),
  spec: GeneratorStateSpecSchema,
  status: Type.Optional(GeneratorStateStatusSchema),
});

export type ClusterGenerator = Static<typeof ClusterGeneratorSchema>;
export type GeneratorState = Static<typeof GeneratorStateSchema>;
