/** The "gcpsm" provider: Google Cloud Secret Manager, global or regional, over the SDK's REST transport. */
import type { GCPSMProvider } from "../../api/providers/gcpsm.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { GcpSMClient } from "./client.js";
import { gcpEndpoints, sdkEndpoint } from "./kit/endpoints.js";
import { googleTokenSource } from "./kit/resolve.js";
import { cached } from "./kit/token-source.js";
import { federationErrors } from "./kit/workload-identity-federation.js";
import { resolveProjectID } from "./project.js";
import { BearerAuthClient } from "./transport.js";

const FIELD = "spec.provider.gcpsm";

export const gcpSMProvider: Provider<GCPSMProvider> = {
  name: "gcpsm",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: GCPSMProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    // Without projectID the project comes from the workload identity or the metadata server, not from a key.
    if (!spec?.projectID && spec?.auth?.secretRef) errs.push(`${FIELD}.projectID: is required with auth.secretRef`);
    const ref = spec?.auth?.secretRef?.secretAccessKeySecretRef;
    if (spec?.auth?.secretRef && !ref) errs.push(`${FIELD}.auth.secretRef.secretAccessKeySecretRef: is required`);
    if (ref && (!ref.name || !ref.key))
      errs.push(`${FIELD}.auth.secretRef.secretAccessKeySecretRef: name and key are required`);
    if (ref && storeKind === "ClusterSecretStore" && !ref.namespace) {
      errs.push(`${FIELD}.auth.secretRef.secretAccessKeySecretRef.namespace: is required for a ClusterSecretStore`);
    }
    const methods = [ref, spec?.auth?.workloadIdentity, spec?.auth?.workloadIdentityFederation].filter(Boolean);
    if (methods.length > 1) {
      errs.push(`${FIELD}.auth: only one of secretRef, workloadIdentity or workloadIdentityFederation may be set`);
    }
    errs.push(...federationErrors(spec?.auth?.workloadIdentityFederation, `${FIELD}.auth`));
    if (spec?.auth?.workloadIdentity && !spec.auth.workloadIdentity.serviceAccountRef?.name) {
      errs.push(`${FIELD}.auth.workloadIdentity.serviceAccountRef.name: is required`);
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: GCPSMProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const projectID = await resolveProjectID(spec, ctx.signal);
    const source = cached(
      await googleTokenSource(spec.auth, spec.projectID, { ...ctx, authField: `${FIELD}.auth`, label: "gcpsm" }),
    );
    // Loaded on first use: the SDK (gRPC, protobufs) costs tens of MiB that stores of other providers never need.
    const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
    const sm = new SecretManagerServiceClient({
      fallback: true,
      ...sdkEndpoint(gcpEndpoints.secretManager(spec.location)),
      authClient: new BearerAuthClient(source) as any,
    });
    return new GcpSMClient(sm, {
      projectID,
      location: spec.location,
      versionPolicy: spec.secretVersionSelectionPolicy ?? "LatestOrFail",
    });
  },
};
