/**
 * The project a store reads from, as upstream resolves it: projectID, else the workload identity's
 * clusterProjectID, else (not with a static key) the project of the node, from the metadata server.
 */
import type { GCPSMProvider } from "../../api/providers/gcpsm.js";
import { StoreConfigError } from "../errors.js";
import { metadataProjectID } from "./kit/token-source.js";

const FIELD = "spec.provider.gcpsm";

export async function resolveProjectID(spec: GCPSMProvider, signal?: AbortSignal): Promise<string> {
  if (spec.projectID) return spec.projectID;
  const cluster = spec.auth?.workloadIdentity?.clusterProjectID;
  if (cluster) return cluster;
  if (spec.auth?.secretRef) throw new StoreConfigError(`${FIELD}.projectID: is required with auth.secretRef`);
  const node = await metadataProjectID(signal);
  if (node) return node;
  throw new StoreConfigError(`${FIELD}.projectID: is required off Google Cloud (no project from the metadata server)`);
}
