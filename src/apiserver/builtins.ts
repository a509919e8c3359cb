import type { ResourceType } from "./types.js";

function builtin(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    versions: [version],
    storageVersion: version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: [],
    categories: [],
    hasStatus: false,
    custom: false,
    generation: false,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    ...extra,
  };
}

/** The built-in resources this server serves (no pods or RBAC: one admin identity, no scheduling). */
export function builtinTypes(): ResourceType[] {
  return [
    builtin("", "v1", "namespaces", "Namespace", false, { shortNames: ["ns"], hasStatus: true }),
    builtin("", "v1", "secrets", "Secret", true),
    builtin("", "v1", "configmaps", "ConfigMap", true, { shortNames: ["cm"] }),
    builtin("", "v1", "serviceaccounts", "ServiceAccount", true, { shortNames: ["sa"] }),
    builtin("", "v1", "events", "Event", true, { shortNames: ["ev"], allowCreateOnUpdate: true }),
    builtin("events.k8s.io", "v1", "events", "Event", true, { shortNames: ["ev"], allowCreateOnUpdate: true }),
    builtin("coordination.k8s.io", "v1", "leases", "Lease", true, { allowCreateOnUpdate: true }),
    builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, {
      shortNames: ["crd", "crds"],
      categories: ["api-extensions"],
      hasStatus: true,
      generation: true,
    }),
  ];
}
