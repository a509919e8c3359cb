/**
 * The annotations workloads and Secrets carry for rollouts: Stakater Reloader's own names (so manifests written
 * for Reloader work unchanged) and the ExternalSecret-side opt-in.
 */

const RELOADER = "reloader.stakater.com";

/** On a workload: roll when any Secret (or ConfigMap) its pod template references changes. */
export const AUTO = `${RELOADER}/auto`;
/** On a workload: as AUTO, Secrets only. */
export const SECRET_AUTO = `secret.${RELOADER}/auto`;
/** On a workload: roll when one of these Secrets changes (comma-separated, each an anchored regular expression). */
export const SECRET_RELOAD = `secret.${RELOADER}/reload`;
/** On a workload: Secrets whose changes never roll it (comma-separated names). */
export const SECRET_EXCLUDE = `secrets.exclude.${RELOADER}/reload`;
/** On a workload: roll when a referenced Secret annotated with MATCH changes. */
export const SEARCH = `${RELOADER}/search`;
/** On a Secret: picked up by workloads with SEARCH. */
export const MATCH = `${RELOADER}/match`;
/** On a Secret: its changes never roll anything. */
export const IGNORE = `${RELOADER}/ignore`;
/** On the pod template: what the last rollout was for (Reloader's annotations strategy writes the same one). */
export const LAST_RELOADED_FROM = `${RELOADER}/last-reloaded-from`;

/**
 * On an ExternalSecret: workloads in its namespace to roll when its Secret's data changes, as "Kind/name" entries
 * separated by commas (Kind: Deployment, StatefulSet or DaemonSet, or deploy, sts, ds).
 */
export const ES_ROLLOUT_WORKLOADS = "external-secrets.io/rollout-workloads";

/** Whether an annotation key is one of Reloader's (the only ones the workload cache keeps). */
export function isReloaderKey(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return false;
  const prefix = key.slice(0, slash);
  return prefix === RELOADER || prefix.endsWith(`.${RELOADER}`);
}
