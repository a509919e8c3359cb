/**
 * Whether a changed Secret rolls a workload, as Stakater Reloader decides it for Secrets: the Secret's ignore
 * annotation wins; the workload's annotations are read from the workload, or from its pod template when the
 * workload has none of Reloader's; an excluded name never rolls; a named Secret (anchored regular expression)
 * rolls whether referenced or not; search/match and auto roll only for Secrets the pod template references.
 */
import { GoRegexp } from "../../regexp/go-regexp.js";
import { AUTO, IGNORE, MATCH, SEARCH, SECRET_AUTO, SECRET_EXCLUDE, SECRET_RELOAD } from "./annotations.js";
import type { WorkloadSummary } from "./workloads.js";

export interface ChangedSecret {
  name: string;
  annotations?: Record<string, string>;
}

export type RollReason = "named" | "search" | "auto";

function relevant(a: Record<string, string> | undefined): boolean {
  return !!a && (SECRET_RELOAD in a || SEARCH in a || AUTO in a || SECRET_AUTO in a);
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One entry of a reload list against a name: the anchored expression, or plain equality if it does not compile. */
function namedBy(entry: string, name: string): boolean {
  try {
    return GoRegexp.of(`^${entry}$`).matches(name);
  } catch {
    return entry === name;
  }
}

/** Why `secret` rolls `workload`, or undefined when it does not. */
export function rollReason(workload: WorkloadSummary, secret: ChangedSecret): RollReason | undefined {
  if (secret.annotations?.[IGNORE] === "true") return undefined;
  const own = workload.metadata.annotations;
  const a = relevant(own) ? own : relevant(workload.podAnnotations) ? workload.podAnnotations : own;
  if (!a) return undefined;
  if (list(a[SECRET_EXCLUDE]).includes(secret.name)) return undefined;
  if (list(a[SECRET_RELOAD]).some((entry) => namedBy(entry, secret.name))) return "named";
  const uses = workload.secrets.includes(secret.name);
  if (uses && a[SEARCH] === "true" && secret.annotations?.[MATCH] === "true") return "search";
  if (uses && (a[AUTO] === "true" || a[SECRET_AUTO] === "true")) return "auto";
  return undefined;
}

/** Whether a workload names Secrets explicitly (it is then a candidate for any Secret of its namespace). */
export function namesSecrets(workload: WorkloadSummary): boolean {
  return !!(workload.metadata.annotations?.[SECRET_RELOAD] || workload.podAnnotations?.[SECRET_RELOAD]);
}
