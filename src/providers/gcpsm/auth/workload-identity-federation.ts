/**
 * auth.workloadIdentityFederation (clusters off GKE), as upstream: exactly one subject token source, exchanged
 * at Google STS for a federated token, then impersonation of a Google service account when configured.
 * - serviceAccountRef: a TokenRequest token of that ServiceAccount (its `audiences`, else the API server's);
 *   its iam.gke.io/gcp-service-account annotation names the service account to impersonate.
 * - awsSecurityCredentials: AWS keys from a Secret (aws_access_key_id, aws_secret_access_key,
 *   aws_session_token), sent as a signed GetCallerIdentity request (aws-subject-token.ts).
 * - credConfig: an external_account configuration from a ConfigMap (credential-config.ts).
 */
import type { GCPSMProvider } from "../../../api/providers/gcpsm.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { AWS_TOKEN_TYPE, awsSubjectToken } from "./aws-subject-token.js";
import { externalAccountFromConfigMap } from "./credential-config.js";
import type { TokenSource } from "./token-source.js";
import { workloadIdentitySource } from "./workload-identity.js";

const FIELD = "spec.provider.gcpsm.auth.workloadIdentityFederation";
const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";

/** Static checks (no I/O), shared by validate() and newClient(). */
export function federationErrors(spec: GCPSMProvider): string[] {
  const wif = spec?.auth?.workloadIdentityFederation;
  if (!wif) return [];
  const errs: string[] = [];
  const sources = [wif.credConfig, wif.serviceAccountRef, wif.awsSecurityCredentials].filter(Boolean).length;
  if (sources !== 1) {
    errs.push(`${FIELD}: exactly one of credConfig, awsSecurityCredentials or serviceAccountRef must be set`);
  }
  if ((wif.serviceAccountRef || wif.awsSecurityCredentials) && !wif.audience) {
    errs.push(`${FIELD}.audience: is required with serviceAccountRef or awsSecurityCredentials`);
  }
  return errs;
}

async function awsCredentials(spec: GCPSMProvider, ctx: ProviderContext) {
  const cfg = spec.auth!.workloadIdentityFederation!.awsSecurityCredentials!;
  const where = `${FIELD}.awsSecurityCredentials.awsCredentialsSecretRef`;
  const ref = cfg.awsCredentialsSecretRef;
  const ns = refNamespace(ctx, ref, where);
  const data = await ctx.kube.getSecret(ns, ref.name);
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

export async function workloadIdentityFederationAuth(spec: GCPSMProvider, ctx: ProviderContext): Promise<TokenSource> {
  const errs = federationErrors(spec);
  if (errs.length) throw new StoreConfigError(errs.join("; "));
  const wif = spec.auth!.workloadIdentityFederation!;
  if (wif.serviceAccountRef) {
    const sa = wif.serviceAccountRef;
    const where = `${FIELD}.serviceAccountRef`;
    const ns = refNamespace(ctx, sa, where);
    const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
    return workloadIdentitySource(
      () => serviceAccountToken(ctx, sa, [], where),
      wif.audience!,
      annotations[GSA_ANNOTATION],
      ctx.signal,
    );
  }
  if (wif.awsSecurityCredentials) {
    const creds = await awsCredentials(spec, ctx);
    const region = wif.awsSecurityCredentials.region;
    const audience = wif.audience!;
    return workloadIdentitySource(
      async () => awsSubjectToken(creds, region, audience),
      audience,
      undefined,
      ctx.signal,
      AWS_TOKEN_TYPE,
    );
  }
  const account = await externalAccountFromConfigMap(wif, ctx);
  return workloadIdentitySource(
    account.subjectToken,
    account.audience,
    account.impersonate,
    ctx.signal,
    account.subjectTokenType,
  );
}
