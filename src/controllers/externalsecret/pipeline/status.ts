/**
 * Last step of a sync, pure: the ExternalSecret's new status from how the sync ended. The reconciler writes it
 * once, and only when it differs from the stored one.
 */
import type { ExternalSecret, ExternalSecretStatus } from "../../../api/externalsecret.js";
import { rfc3339 } from "../../../kube/index.js";
import { type Condition, setCondition } from "../../common/conditions.js";
import { CONDITION_READY, REASON_MISSING, REASON_SYNCED_ERROR } from "../constants.js";
import { esResourceVersion } from "./plan.js";

export type SyncOutcome =
  /** The target is as the ExternalSecret wants it (written, unchanged, deleted or retained). */
  | { kind: "synced"; reason: string; message: string; binding?: string }
  /** The sync failed; the live Secret was left as it was. */
  | { kind: "failed"; message: string }
  /** creationPolicy Merge and the target Secret does not exist yet: nothing written. */
  | { kind: "waiting"; message: string };

function withReady(
  status: ExternalSecretStatus,
  ready: Pick<Condition, "status" | "reason" | "message">,
  now: Date,
): ExternalSecretStatus {
  const conditions = setCondition(
    status.conditions as Condition[] | undefined,
    { type: CONDITION_READY, ...ready },
    now,
  );
  return { ...status, conditions: conditions as ExternalSecretStatus["conditions"] };
}

export function nextStatus(es: ExternalSecret, outcome: SyncOutcome, nowMs: number): ExternalSecretStatus {
  const now = new Date(nowMs);
  // Shallow: every field this step changes is replaced (conditions, binding), never mutated in place.
  const status: ExternalSecretStatus = { ...(es.status ?? {}) };
  switch (outcome.kind) {
    case "failed":
      return withReady(status, { status: "False", reason: REASON_SYNCED_ERROR, message: outcome.message }, now);
    case "waiting":
      return withReady(status, { status: "False", reason: REASON_MISSING, message: outcome.message }, now);
    case "synced": {
      const next = withReady(status, { status: "True", reason: outcome.reason, message: outcome.message }, now);
      if (outcome.binding !== undefined) next.binding = { name: outcome.binding };
      next.refreshTime = rfc3339(now);
      next.syncedResourceVersion = esResourceVersion(es);
      return next;
    }
  }
}
