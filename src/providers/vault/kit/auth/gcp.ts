import { StoreConfigError } from "../../../errors.js";
import type { ProviderContext } from "../../../provider.js";
import { refNamespace, resolveSecretKeyString, serviceAccountToken } from "../../../resolvers.js";
import { refuseAmbientCredentials } from "../../../tenant-policy.js";
import {
  exchangeForFederatedToken,
  gceIdentityToken,
  metadataAttribute,
  parseServiceAccountKey,
  signWithIamCredentials,
  signWithServiceAccountKey,
} from "./gcp-google.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.gcp";
const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";

/**
 * auth.gcp (Vault's gcp auth method), in ESO's order: a service account key from secretRef signs an iam-type
 * login JWT; workloadIdentity exchanges the ServiceAccount's token at Google STS and has IAM Credentials sign
 * as the Google service account it is bound to; otherwise (serviceAccountRef or nothing) the GCE metadata
 * server's identity token, which is the controller's own identity and so is refused where the tenant policy
 * refuses ambient credentials.
 */
export const gcpAuth: AuthFactory<"gcp"> = async (spec, ctx) => {
  // Present when the scope is a provider context (stores); generators pass none.
  const signal = (ctx as Partial<ProviderContext>).signal;
  const role = (spec.role ?? "").trim();
  if (!role) throw new StoreConfigError(`${FIELD}.role: is required`);
  const path = `auth/${trimSlashes(spec.path || "gcp")}/login`;
  let jwt: () => Promise<string>;
  let fingerprint: string;
  if (spec.secretRef) {
    const where = `${FIELD}.secretRef.secretAccessKeySecretRef`;
    const ref = spec.secretRef.secretAccessKeySecretRef;
    if (!ref) throw new StoreConfigError(`${where}: is required`);
    const json = await resolveSecretKeyString(ctx, ref, where);
    const key = parseServiceAccountKey(json, where);
    jwt = async () => signWithServiceAccountKey(key, role);
    fingerprint = `key:${json}`;
  } else if (spec.workloadIdentity) {
    const wi = spec.workloadIdentity;
    const where = `${FIELD}.workloadIdentity`;
    const project = wi.clusterProjectID || spec.projectID;
    if (!project) throw new StoreConfigError(`${where}.clusterProjectID: is required when projectID is unset`);
    const location = wi.clusterLocation || (await metadataAttribute("cluster-location", signal));
    const cluster = wi.clusterName || (await metadataAttribute("cluster-name", signal));
    if (!location) throw new StoreConfigError(`${where}.clusterLocation: is required off GKE`);
    if (!cluster) throw new StoreConfigError(`${where}.clusterName: is required off GKE`);
    const sa = wi.serviceAccountRef;
    const ns = refNamespace(ctx, sa, `${where}.serviceAccountRef`);
    const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
    const email = annotations[GSA_ANNOTATION];
    if (!email) {
      throw new StoreConfigError(
        `${where}.serviceAccountRef: ServiceAccount ${ns}/${sa.name} has no ${GSA_ANNOTATION} annotation naming the Google service account`,
      );
    }
    const pool = `${project}.svc.id.goog`;
    const audience = `identitynamespace:${pool}:https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${cluster}`;
    jwt = async () => {
      const k8sToken = await serviceAccountToken(ctx, sa, [pool], `${where}.serviceAccountRef`);
      const federated = await exchangeForFederatedToken(k8sToken, audience, signal);
      return signWithIamCredentials(federated, email, role, signal);
    };
    fingerprint = `wi:${ns}/${sa.name}:${email}:${audience}`;
  } else {
    refuseAmbientCredentials(ctx, FIELD, "GCE instance identity (metadata server)", "secretRef or workloadIdentity");
    jwt = () => gceIdentityToken(role, signal);
    fingerprint = "gce";
  }
  return {
    kind: "login",
    name: "gcp",
    fingerprint,
    login: async (http, ns) => vaultLogin(http, "gcp", path, { role, jwt: await jwt() }, ns),
  };
};
