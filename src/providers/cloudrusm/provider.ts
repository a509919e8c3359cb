/** The "cloudrusm" provider: Cloud.ru Secret Manager, read-only, with a service account access key. */
import type { CloudruSMProvider } from "../../api/providers/cloudrusm.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { CloudruSMClient } from "./client.js";
import { cloudruEndpoints } from "./endpoints.js";
import { CLOUDRU_TOKENS, CloudruApi } from "./transport.js";
import { isUUID } from "./uuid.js";

const FIELD = "spec.provider.cloudrusm";
const KEY_ID = `${FIELD}.auth.secretRef.accessKeyIDSecretRef`;
const KEY_SECRET = `${FIELD}.auth.secretRef.accessKeySecretSecretRef`;

function specErrors(spec: CloudruSMProvider): string[] {
  const errs: string[] = [];
  const refs = spec?.auth?.secretRef;
  if (!refs) errs.push(`${FIELD}.auth.secretRef: invalid spec: auth.secretRef is required`);
  if (!spec?.projectID) errs.push(`${FIELD}.projectID: invalid spec: projectID is required`);
  else if (!isUUID(spec.projectID)) errs.push(`${FIELD}.projectID: invalid spec: projectID is invalid UUID`);
  if (refs) {
    for (const [field, ref] of [
      [KEY_ID, refs.accessKeyIDSecretRef],
      [KEY_SECRET, refs.accessKeySecretSecretRef],
    ] as const) {
      if (!ref?.name) errs.push(`${field}.name: is required`);
      if (ref && !ref.key) errs.push(`${field}.key: is required`);
    }
  }
  return errs;
}

export const cloudruSMProvider: Provider<CloudruSMProvider> = {
  name: "cloudrusm",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: CloudruSMProvider, storeKind: StoreKind): SpecValidation {
    const warnings: string[] = [];
    const refs = spec?.auth?.secretRef;
    if (storeKind === "ClusterSecretStore" && refs) {
      for (const [field, ref] of [
        [KEY_ID, refs.accessKeyIDSecretRef],
        [KEY_SECRET, refs.accessKeySecretSecretRef],
      ] as const) {
        if (ref && !ref.namespace) {
          warnings.push(`${field}.namespace: unset, so the key is read in each ExternalSecret's namespace`);
        }
      }
    }
    return { errors: specErrors(spec), warnings };
  },
  async newClient(spec: CloudruSMProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const errs = specErrors(spec);
    if (errs.length) throw new StoreConfigError(errs[0]);
    const refs = spec.auth.secretRef!;
    const keyID = await resolveSecretKeyString(ctx, refs.accessKeyIDSecretRef, KEY_ID);
    const secret = await resolveSecretKeyString(ctx, refs.accessKeySecretSecretRef, KEY_SECRET);
    if (!keyID || !secret) throw new StoreConfigError(`${FIELD}.auth.secretRef: keyID and secret must be provided`);
    const api = new CloudruApi(
      cloudruEndpoints(),
      { keyID, secret },
      ctx.caches.get(CLOUDRU_TOKENS),
      ctx.signal,
      ctx.deadline,
    );
    return new CloudruSMClient(api, spec.projectID!);
  },
};
