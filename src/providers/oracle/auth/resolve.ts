/**
 * The request signer for a store, as upstream chooses: principalType Workload, then InstancePrincipal (also
 * when auth is absent), else the user principal in auth.
 */
import type { OracleProvider } from "../../../api/providers/oracle.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import type { RequestSigner } from "../signer.js";
import { instancePrincipalSigner } from "./instance-principal.js";
import { userPrincipalSigner } from "./user-principal.js";
import { workloadSigner } from "./workload.js";

const FIELD = "spec.provider.oracle";

export async function resolveSigner(spec: OracleProvider, ctx: ProviderContext): Promise<RequestSigner> {
  if (spec.principalType === "Workload") return workloadSigner(spec.region, spec.serviceAccountRef, ctx, FIELD);
  if (spec.principalType === "InstancePrincipal" || !spec.auth) {
    return instancePrincipalSigner(spec.region, ctx, spec.auth ? `${FIELD}.principalType` : `${FIELD}.auth`);
  }
  if (!spec.auth.secretRef) throw new StoreConfigError(`${FIELD}.auth.secretRef: is required`);
  return userPrincipalSigner(spec.auth, ctx, `${FIELD}.auth`);
}
