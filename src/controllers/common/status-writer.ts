/**
 * Every reconciler's status write: computed as a whole, compared with the stored status, and sent only when it
 * differs (a reconcile that changes nothing costs no API write). A conflict means the object changed meanwhile:
 * the caller re-queues and computes again from the new object.
 */
import { isDeepStrictEqual } from "node:util";
import { isConflict, type KubeClient, type KubeObject, type ResourceDescriptor } from "../../kube/index.js";

/** As the API server would store it: undefined fields dropped (key order does not matter to the comparison). */
function asJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? {}));
}

export type StatusWrite = "unchanged" | "written" | "conflict";

export async function writeStatusIfChanged<S>(
  client: KubeClient,
  rt: ResourceDescriptor,
  obj: { metadata?: KubeObject["metadata"]; status?: S },
  next: S,
): Promise<StatusWrite> {
  if (isDeepStrictEqual(asJson(obj.status), asJson(next))) return "unchanged";
  try {
    await client.updateStatus(rt, { ...obj, status: next } as KubeObject);
    return "written";
  } catch (err) {
    if (isConflict(err)) return "conflict";
    throw err;
  }
}
