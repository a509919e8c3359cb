/** AzureAccessToken: a Microsoft Entra ID access token for one Entra resource (scope "<resource>/.default"). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

/** Upstream leaves AzureStackCloud out: the generator has no custom cloud settings to find its authority host. */
export const AzureAccessTokenEnvironmentValues = [
  "PublicCloud",
  "USGovernmentCloud",
  "ChinaCloud",
  "GermanCloud",
] as const;
export const AzureManagedIdentityIDTypeValues = ["ClientID", "ObjectID", "ResourceID"] as const;

export const AzureAccessTokenAuthSchema = Type.Object(
  {
    servicePrincipal: Type.Optional(
      Type.Object({
        secretRef: Type.Object({
          clientId: SecretKeySelectorSchema,
          clientSecret: Type.Optional(SecretKeySelectorSchema),
          clientCertificate: Type.Optional(SecretKeySelectorSchema),
        }),
      }),
    ),
    managedIdentity: Type.Optional(
      Type.Object({
        identityId: Type.Optional(
          Type.String({ description: "The managed identity to use when several are assigned to the pod." }),
        ),
        identityType: Type.Optional(
          StringEnum(AzureManagedIdentityIDTypeValues, {
            description:
              "How identityId is read; unset, an id containing a slash is a resource id and any other a client id.",
          }),
        ),
      }),
    ),
    workloadIdentity: Type.Optional(
      Type.Object({
        serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
      }),
    ),
  },
  { minProperties: 1, maxProperties: 1 },
);
export type AzureAccessTokenAuth = Static<typeof AzureAccessTokenAuthSchema>;

export const AzureAccessTokenSpecSchema = Type.Object({
  auth: AzureAccessTokenAuthSchema,
  resource: Type.String({
    minLength: 1,
    description:
      'The Entra resource id the token targets, e.g. "499b84ac-1321-427f-aa17-267ca6975798" (Azure DevOps) or ' +
      '"https://management.azure.com"; requested with the "<resource>/.default" scope.',
  }),
  tenantId: Type.Optional(Type.String({ description: "Azure tenant to log in to; required for servicePrincipal." })),
  environmentType: Type.Optional(StringEnum(AzureAccessTokenEnvironmentValues, { default: "PublicCloud" })),
});
export type AzureAccessTokenSpec = Static<typeof AzureAccessTokenSpecSchema>;

type Issue = { path: string; message: string };
type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Upstream's CEL rules on the spec, which the structural schema cannot state. */
export function azureAccessTokenIssues(spec: unknown, path: string): Issue[] {
  if (!isObj(spec) || !isObj(spec.auth)) return [];
  const issues: Issue[] = [];
  const { servicePrincipal, managedIdentity, workloadIdentity } = spec.auth;
  if (servicePrincipal !== undefined && !spec.tenantId) {
    issues.push({ path: `${path}.tenantId`, message: "tenantId is required when servicePrincipal auth is used" });
  }
  const ref = isObj(servicePrincipal) ? servicePrincipal.secretRef : undefined;
  if (isObj(ref) && (ref.clientSecret === undefined) === (ref.clientCertificate === undefined)) {
    issues.push({
      path: `${path}.auth.servicePrincipal.secretRef`,
      message: "exactly one of clientSecret or clientCertificate must be set",
    });
  }
  if (isObj(managedIdentity) && managedIdentity.identityType !== undefined && !managedIdentity.identityId) {
    issues.push({
      path: `${path}.auth.managedIdentity.identityId`,
      message: "identityId is required when identityType is set",
    });
  }
  if (isObj(workloadIdentity) && isObj(workloadIdentity.serviceAccountRef)) {
    if (workloadIdentity.serviceAccountRef.namespace !== undefined) {
      issues.push({
        path: `${path}.auth.workloadIdentity.serviceAccountRef.namespace`,
        message:
          "serviceAccountRef.namespace is not supported: the service account must be in the same namespace as the generator",
      });
    }
  }
  return issues;
}
