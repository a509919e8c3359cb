/**
 * auth.workloadIdentityFederation (clusters off GKE), as upstream: exactly one subject token source, exchanged
 * at Google STS for a federated token, then impersonation of a Google service account when configured.
 * - serviceAccountRef: a TokenRequest token of that ServiceAccount (its `audiences`, else the API server's);
 *   its iam.gke.io/gcp-service-account annotation names the service account to impersonate.
 * - awsSecurityCredentials: AWS keys from a Secret (aws_access_key_id, aws_secret_access_key,
 *   aws_session_token), sent as a signed GetCallerIdentity request (aws-subject-token.ts).
 * - credConfig: an external_account configuration from a ConfigMap (credential-config.ts).
 */
import type { GCPWorkloadIdentityFederation } from "../../../api/providers/gcpsm.js";
import { StoreConfigError } from "../../errors.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { AWS_TOKEN_TYPE, awsSubjectToken } from "./aws-subject-token.js";
import { externalAccountFromConfigMap } from "./credential-config.js";
import type { GcpAuthScope } from "./scope.js";
import type { TokenSource } from "./token-source.js";
import { GSA_ANNOTATION, workloadIdentitySource } from "./workload-identity.js";

/** Static checks (no I/O) of `<authField>.workloadIdentityFederation`, shared by validation and token sources. */
export function federationErrors(wif: GCPWorkloadIdentityFederation | undefined, authField: string): string[] {
  if (!wif) return [];
  const field = `${authField}.workloadIdentityFederation`;
  const errs: string[] = [];
  const sources = [wif.credConfig, wif.serviceAccountRef, wif.awsSecurityCredentials].filter(Boolean).length;
  if (sources !== 1) {
    errs.push(`${field}: exactly one of credConfig, awsSecurityCredentials or serviceAccountRef must be set`);
  }
  if ((wif.serviceAccountRef || wif.awsSecurityCredentials) && !wif.audience) {
    errs.push(`${field}.audience: is required with serviceAccountRef or awsSecurityCredentials`);
  }
  return errs;
}

async function awsCredentials(wif: GCPWorkloadIdentityFederation, scope: GcpAuthScope) {
  const where = `${scope.authField}.workloadIdentityFederation.awsSecurityCredentials.awsCredentialsSecretRef`;
  const ref = wif.awsSecurityCredentials!.awsCredentialsSecretRef;
  const ns = refNamespace(scope, ref, where);
  const data = await scope.kube.getSecret(ns, ref.name);
  if (!data) throw new StoreConfigError(`${where}: Secret ${ns}/${ref.name} not found`);
  const accessKeyId = data.aws_access_key_id?.toString("utf8");
  const secretAccessKey = data.aws_secret_access_key?.toString("utf8");
  if (!accessKeyId || !secretAccessKey) {
    throw new StoreConfigError(
      `${where}: aws_access_key_id and aws_secret_access_key keys must be present in Secret ${ns}/${ref.name}`,
    );
  }
  const sessionToken = data.aws_session_token?.toString("utf8") || undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export async function workloadIdentityFederationAuth(
  wif: GCPWorkloadIdentityFederation,
  scope: GcpAuthScope,
): Promise<TokenSource> {
  const errs = federationErrors(wif, scope.authField);
  if (errs.length) throw new StoreConfigError(errs.join("; "));
  if (wif.serviceAccountRef) {
    const sa = wif.serviceAccountRef;
    const where = `${scope.authField}.workloadIdentityFederation.serviceAccountRef`;
    const ns = refNamespace(scope, sa, where);
    const annotations = (await scope.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
    return workloadIdentitySource(
      () => serviceAccountToken(scope, sa, [], where),
      wif.audience!,
      annotations[GSA_ANNOTATION],
      scope,
    );
  }
  if (wif.awsSecurityCredentials) {
    const creds = await awsCredentials(wif, scope);
    const region = wif.awsSecurityCredentials.region;
    const audience = wif.audience!;
    return workloadIdentitySource(
      async () => awsSubjectToken(creds, region, audience),
      audience,
      undefined,
      scope,
      AWS_TOKEN_TYPE,
    );
  }
  const account = await externalAccountFromConfigMap(wif, scope);
  return workloadIdentitySource(
    account.subjectToken,
    account.audience,
    account.impersonate,
    scope,
    account.subjectTokenType,
  );
}
