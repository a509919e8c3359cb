import type { GCPSMProvider } from "../../api/providers/gcpsm.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, StoreKind } from "../provider.js";
import { refNamespace, resolveSecretKeyString, serviceAccountToken } from "../resolvers.js";
import { refuseAmbientCredentials } from "../tenant-policy.js";
import { BearerAuthClient } from "./auth-client.js";
import { GcpSMClient } from "./client.js";
import { gcpEndpoints, sdkEndpoint } from "./endpoints.js";
import {
  cached,
  defaultCredentialsSource,
  metadataAttribute,
  serviceAccountKeySource,
  type TokenSource,
  workloadIdentitySource,
} from "./token-sources.js";

const FIELD = "spec.provider.gcpsm";
const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";

async function workloadIdentity(spec: GCPSMProvider, ctx: ProviderContext): Promise<TokenSource> {
  const wi = spec.auth!.workloadIdentity!;
  const where = `${FIELD}.auth.workloadIdentity`;
  const clusterProject = wi.clusterProjectID || spec.projectID;
  if (!clusterProject) throw new StoreConfigError(`${where}.clusterProjectID: is required when projectID is unset`);
  const location = wi.clusterLocation || (await metadataAttribute("cluster-location", ctx.signal));
  const cluster = wi.clusterName || (await metadataAttribute("cluster-name", ctx.signal));
  if (!location) throw new StoreConfigError(`${where}.clusterLocation: is required off GKE`);
  if (!cluster) throw new StoreConfigError(`${where}.clusterName: is required off GKE`);
  const pool = `${clusterProject}.svc.id.goog`;
  const providerUrl = `https://container.googleapis.com/v1/projects/${clusterProject}/locations/${location}/clusters/${cluster}`;
  const sa = wi.serviceAccountRef;
  const ns = refNamespace(ctx, sa, `${where}.serviceAccountRef`);
  const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
  return workloadIdentitySource(
    () => serviceAccountToken(ctx, sa, [pool], `${where}.serviceAccountRef`),
    `identitynamespace:${pool}:${providerUrl}`,
    annotations[GSA_ANNOTATION],
    ctx.signal,
  );
}

async function tokenSource(spec: GCPSMProvider, ctx: ProviderContext): Promise<TokenSource> {
  const ref = spec.auth?.secretRef?.secretAccessKeySecretRef;
  if (ref) {
    const field = `${FIELD}.auth.secretRef.secretAccessKeySecretRef`;
    return serviceAccountKeySource(await resolveSecretKeyString(ctx, ref, field), field, ctx.signal);
  }
  if (spec.auth?.workloadIdentity) return workloadIdentity(spec, ctx);
  refuseAmbientCredentials(
    ctx,
    `${FIELD}.auth`,
    "Google identity (application default credentials)",
    "auth.secretRef or auth.workloadIdentity",
  );
  return defaultCredentialsSource(ctx.signal);
}

export const gcpSMProvider: Provider<GCPSMProvider> = {
  name: "gcpsm",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validateSpec(spec: GCPSMProvider, storeKind: StoreKind): string[] {
    const errs: string[] = [];
    if (!spec?.projectID) errs.push(`${FIELD}.projectID: is required`);
    const ref = spec?.auth?.secretRef?.secretAccessKeySecretRef;
    if (spec?.auth?.secretRef && !ref) errs.push(`${FIELD}.auth.secretRef.secretAccessKeySecretRef: is required`);
    if (ref && (!ref.name || !ref.key))
      errs.push(`${FIELD}.auth.secretRef.secretAccessKeySecretRef: name and key are required`);
    if (ref && storeKind === "ClusterSecretStore" && !ref.namespace) {
      errs.push(`${FIELD}.auth.secretRef.secretAccessKeySecretRef.namespace: is required for a ClusterSecretStore`);
    }
    if (ref && spec.auth?.workloadIdentity)
      errs.push(`${FIELD}.auth: only one of secretRef or workloadIdentity may be set`);
    if (spec?.auth?.workloadIdentity && !spec.auth.workloadIdentity.serviceAccountRef?.name) {
      errs.push(`${FIELD}.auth.workloadIdentity.serviceAccountRef.name: is required`);
    }
    return errs;
  },
  async newClient(spec: GCPSMProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec.projectID) throw new StoreConfigError(`${FIELD}.projectID: is required`);
    const source = cached(await tokenSource(spec, ctx));
    // Loaded on first use: the SDK (gRPC, protobufs) costs tens of MiB that stores of other providers never need.
    const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
    const sm = new SecretManagerServiceClient({
      fallback: true,
      ...sdkEndpoint(gcpEndpoints.secretManager(spec.location)),
      authClient: new BearerAuthClient(source) as any,
    });
    return new GcpSMClient(sm, {
      projectID: spec.projectID,
      location: spec.location,
      versionPolicy: spec.secretVersionSelectionPolicy ?? "LatestOrFail",
    });
  },
};
