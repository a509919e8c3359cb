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
    // Stored but not acted on: what an installed Helm chart creates (no scheduling, no RBAC enforcement).
    ...workloadTypes(),
  ];
}

/** Kinds a Helm install creates beside CRDs; kept so `helm template | kubectl apply` works end to end. */
function workloadTypes(): ResourceType[] {
  const stored = { hasStatus: true, generation: true };
  return [
    builtin("", "v1", "services", "Service", true, { shortNames: ["svc"], hasStatus: true }),
    builtin("apps", "v1", "deployments", "Deployment", true, { shortNames: ["deploy"], ...stored }),
    builtin("apps", "v1", "statefulsets", "StatefulSet", true, { shortNames: ["sts"], ...stored }),
    builtin("apps", "v1", "daemonsets", "DaemonSet", true, { shortNames: ["ds"], ...stored }),
    builtin("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, { shortNames: ["pdb"], ...stored }),
    builtin("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, {
      shortNames: ["hpa"],
      ...stored,
    }),
    builtin("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, { shortNames: ["netpol"] }),
    builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
    builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
    builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
    builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
    builtin(
      "admissionregistration.k8s.io",
      "v1",
      "validatingwebhookconfigurations",
      "ValidatingWebhookConfiguration",
      false,
      { generation: true },
    ),
    builtin(
      "admissionregistration.k8s.io",
      "v1",
      "validatingadmissionpolicies",
      "ValidatingAdmissionPolicy",
      false,
      stored,
    ),
    builtin(
      "admissionregistration.k8s.io",
      "v1",
      "validatingadmissionpolicybindings",
      "ValidatingAdmissionPolicyBinding",
      false,
      { generation: true },
    ),
  ];
}
