/**
 * Every reconciler's status write: computed as a whole, compared with the stored status, and sent only when it
 * differs (a reconcile that changes nothing costs no API write). A conflict means the object changed meanwhile:
 * the caller re-queues and computes again from the new object.
 */
import { isConflict, type KubeClient, type KubeObject, type ResourceDescriptor } from "../../kube/index.js";
import { jsonEqual } from "../../util/json-equal.js";

export type StatusWrite = "unchanged" | "written" | "conflict";

export async function writeStatusIfChanged<S>(
  client: KubeClient,
  rt: ResourceDescriptor,
  obj: { metadata?: KubeObject["metadata"]; status?: S },
  next: S,
): Promise<StatusWrite> {
  if (jsonEqual(obj.status ?? {}, next ?? {})) return "unchanged";
  try {
    await client.updateStatus(rt, { ...obj, status: next } as KubeObject);
    return "written";
  } catch (err) {
    if (isConflict(err)) return "conflict";
    throw err;
  }
}
