/** The store's auth method, taken in upstream's order when several are set (validate() refuses that). */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { awsAuth } from "./aws.js";
import { azureAuth } from "./azure.js";
import { gcpIamAuth, gcpIdTokenAuth } from "./gcp.js";
import { kubernetesAuth } from "./kubernetes.js";
import { AUTH_FIELD, type ResolvedAuth } from "./login.js";
import { ociAuth } from "./oci.js";
import { jwtAuth, ldapAuth, tokenAuth, universalAuth } from "./secret-credentials.js";

/** Every method upstream has, in the order upstream picks among them. */
export const AUTH_METHODS = [
  "universalAuthCredentials",
  "azureAuthCredentials",
  "gcpIdTokenAuthCredentials",
  "gcpIamAuthCredentials",
  "jwtAuthCredentials",
  "ldapAuthCredentials",
  "ociAuthCredentials",
  "kubernetesAuthCredentials",
  "awsAuthCredentials",
  "tokenAuthCredentials",
] as const satisfies readonly (keyof InfisicalAuth)[];

export async function resolveAuth(auth: InfisicalAuth | undefined, ctx: ProviderContext): Promise<ResolvedAuth> {
  const a = auth ?? {};
  if (a.universalAuthCredentials) return universalAuth(a.universalAuthCredentials, ctx);
  if (a.azureAuthCredentials) return azureAuth(a.azureAuthCredentials, ctx);
  if (a.gcpIdTokenAuthCredentials) return gcpIdTokenAuth(a.gcpIdTokenAuthCredentials, ctx);
  if (a.gcpIamAuthCredentials) return gcpIamAuth(a.gcpIamAuthCredentials, ctx);
  if (a.jwtAuthCredentials) return jwtAuth(a.jwtAuthCredentials, ctx);
  if (a.ldapAuthCredentials) return ldapAuth(a.ldapAuthCredentials, ctx);
  if (a.ociAuthCredentials) return ociAuth(a.ociAuthCredentials, ctx);
  if (a.kubernetesAuthCredentials) return kubernetesAuth(a.kubernetesAuthCredentials, ctx);
  if (a.awsAuthCredentials) return awsAuth(a.awsAuthCredentials, ctx);
  if (a.tokenAuthCredentials) return tokenAuth(a.tokenAuthCredentials, ctx);
  throw new StoreConfigError(`${AUTH_FIELD}: authentication method not found (set one of ${AUTH_METHODS.join(", ")})`);
}
