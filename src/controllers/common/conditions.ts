/** Status conditions with Kubernetes semantics: lastTransitionTime only moves when the status flips. */
import { rfc3339 } from "../../kube/index.js";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Returns a new condition list with `next` replacing any condition of the same type. */
export function setCondition(conditions: Condition[] | undefined, next: Condition, now: Date): Condition[] {
  const current = getCondition(conditions, next.type);
  const lastTransitionTime =
    current && current.status === next.status && current.lastTransitionTime ? current.lastTransitionTime : rfc3339(now);
  const others = (conditions ?? []).filter((c) => c.type !== next.type);
  return [...others, { ...next, lastTransitionTime }];
}
