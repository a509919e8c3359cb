/** Which stores an object may use: controller class, and a ClusterSecretStore's namespace conditions. */
import type { SecretStore } from "../../api/secretstore.js";
import { goRegexpMatch } from "../../providers/util/go-regexp.js";
import { selectorMatches } from "./selector.js";

/** A store with no spec.controller belongs to every controller; otherwise only to the matching class. */
export function storeMatchesClass(store: SecretStore, controllerClass: string | undefined): boolean {
  const cls = store.spec?.controller ?? "";
  return cls === "" || cls === (controllerClass ?? "");
}

/**
 * spec.conditions of a ClusterSecretStore: allowed when there are no conditions, or any condition's
 * namespaceSelector, namespaces or namespaceRegexes matches. Throws on an invalid regexp.
 */
export function clusterStoreAllowsNamespace(
  store: SecretStore,
  namespace: string,
  namespaceLabels: Record<string, string> | undefined,
): boolean {
  const conditions = store.spec?.conditions ?? [];
  if (conditions.length === 0) return true;
  const labels = { "kubernetes.io/metadata.name": namespace, ...(namespaceLabels ?? {}) };
  for (const cond of conditions) {
    if (cond.namespaceSelector && selectorMatches(cond.namespaceSelector, labels)) return true;
    if ((cond.namespaces ?? []).includes(namespace)) return true;
    for (const re of cond.namespaceRegexes ?? []) {
      if (goRegexpMatch(re, namespace)) return true;
    }
  }
  return false;
}
