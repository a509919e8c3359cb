/**
 * OpenAPI v3 definitions of the built-in kinds this server stores. Kept to the fields the kinds really have; kinds
 * stored but not acted on (workloads) keep spec/status open so nothing valid is ever rejected.
 */
import {
  apiext,
  bool,
  core,
  int,
  listOf,
  meta,
  open,
  ref,
  type Schema,
  str,
  strMap,
} from "./openapi-schema-builders.js";

export interface KindDefinition {
  group: string;
  version: string;
  kind: string;
  description: string;
  properties: Record<string, Schema>;
  required?: string[];
}

const openSpec = (kind: string): Record<string, Schema> => ({
  spec: open(`The desired state of the ${kind}.`),
  status: open(`The most recently observed state of the ${kind}.`),
});

/** The kinds with a schema; any other built-in kind is published as an open object. */
export const kindDefinitions: KindDefinition[] = [
  {
    group: "",
    version: "v1",
    kind: "Namespace",
    description: "Namespace provides a scope for Names.",
    properties: {
      spec: ref(`${core}NamespaceSpec`, "The behavior of the Namespace."),
      status: ref(`${core}NamespaceStatus`, "The current status of the Namespace."),
    },
  },
  {
    group: "",
    version: "v1",
    kind: "Secret",
    description:
      "Secret holds secret data of a certain type. The total bytes of the values in data must be less than 1MiB.",
    properties: {
      data: {
        type: "object",
        description:
          "The secret data: keys must consist of alphanumeric characters, '-', '_' or '.'; values are base64 encoded.",
        additionalProperties: { type: "string", format: "byte" },
      },
      immutable: bool("If true, only metadata can be changed after creation; the data and type are fixed."),
      stringData: strMap(
        "Write-only convenience for non-binary data in string form; merged into data on write, overwriting existing keys. Never output when reading.",
      ),
      type: str("Used to facilitate programmatic handling of secret data, e.g. Opaque or kubernetes.io/tls."),
    },
  },
  {
    group: "",
    version: "v1",
    kind: "ConfigMap",
    description: "ConfigMap holds configuration data for pods to consume.",
    properties: {
      binaryData: {
        type: "object",
        description: "Binary data, base64 encoded; keys must not overlap with those in data.",
        additionalProperties: { type: "string", format: "byte" },
      },
      data: strMap("The configuration data in UTF-8 form; keys must not overlap with those in binaryData."),
      immutable: bool("If true, only metadata can be changed after creation."),
    },
  },
  {
    group: "",
    version: "v1",
    kind: "ServiceAccount",
    description: "ServiceAccount binds together a name, a principal for identity and a set of secrets.",
    properties: {
      automountServiceAccountToken: bool("Whether pods running as this service account get an API token mounted."),
      imagePullSecrets: listOf(
        `${core}LocalObjectReference`,
        "Secrets used when pulling images for pods of this account.",
        {
          "x-kubernetes-list-type": "atomic",
        },
      ),
      secrets: listOf(`${core}ObjectReference`, "Secrets pods running as this account may use.", {
        "x-kubernetes-list-map-keys": ["name"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "name",
        "x-kubernetes-patch-strategy": "merge",
      }),
    },
  },
  {
    group: "",
    version: "v1",
    kind: "Event",
    description: "Event is a report of an event somewhere in the cluster.",
    required: ["metadata", "involvedObject"],
    properties: {
      action: str("What action was taken or failed regarding the involved object."),
      count: int("The number of times this event has occurred."),
      eventTime: ref(`${meta}MicroTime`, "Time when this event was first observed."),
      firstTimestamp: ref(`${meta}Time`, "The time at which the event was first recorded."),
      involvedObject: ref(`${core}ObjectReference`, "The object this event is about."),
      lastTimestamp: ref(`${meta}Time`, "The time at which the most recent occurrence of this event was recorded."),
      message: str("A human-readable description of the status of this operation."),
      reason: str(
        "A short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      related: ref(`${core}ObjectReference`, "Optional secondary object for more complex actions."),
      reportingComponent: str("Name of the controller that emitted this event."),
      reportingInstance: str("ID of the controller instance that emitted this event."),
      series: ref(`${core}EventSeries`, "Data about the event series this event represents, if any."),
      source: ref(`${core}EventSource`, "The component reporting this event."),
      type: str("Type of this event (Normal, Warning)."),
    },
  },
  {
    group: "events.k8s.io",
    version: "v1",
    kind: "Event",
    description: "Event is a report of an event somewhere in the cluster.",
    required: ["eventTime"],
    properties: {
      action: str("What action was taken or failed regarding the regarding object."),
      deprecatedCount: int("The deprecated field assuring backward compatibility with core.v1 Event type."),
      deprecatedFirstTimestamp: ref(`${meta}Time`, "Backward compatibility with core.v1 Event type."),
      deprecatedLastTimestamp: ref(`${meta}Time`, "Backward compatibility with core.v1 Event type."),
      deprecatedSource: ref(`${core}EventSource`, "Backward compatibility with core.v1 Event type."),
      eventTime: ref(`${meta}MicroTime`, "The time when this event was first observed."),
      note: str("A human-readable description of the status of this operation."),
      reason: str("Why the action was taken."),
      regarding: ref(`${core}ObjectReference`, "The object this event is about."),
      related: ref(`${core}ObjectReference`, "An optional secondary object for more complex actions."),
      reportingController: str("The name of the controller that emitted this event."),
      reportingInstance: str("The ID of the controller instance."),
      series: ref("io.k8s.api.events.v1.EventSeries", "Data about the event series this event represents, if any."),
      type: str("The type of this event (Normal, Warning)."),
    },
  },
  {
    group: "coordination.k8s.io",
    version: "v1",
    kind: "Lease",
    description: "Lease defines a lease concept.",
    properties: { spec: ref("io.k8s.api.coordination.v1.LeaseSpec", "The specification of the Lease.") },
  },
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
    description:
      "CustomResourceDefinition represents a resource that should be exposed on the API server. Its name must be in the format <.spec.name>.<.spec.group>.",
    required: ["spec"],
    properties: {
      spec: ref(`${apiext}CustomResourceDefinitionSpec`, "The resource as the user wants it to appear."),
      status: ref(`${apiext}CustomResourceDefinitionStatus`, "The actual state of the CustomResourceDefinition."),
    },
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "Role",
    description: "A namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.",
    properties: {
      rules: listOf("io.k8s.api.rbac.v1.PolicyRule", "All the PolicyRules for this Role.", {
        "x-kubernetes-list-type": "atomic",
      }),
    },
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "ClusterRole",
    description: "A cluster level, logical grouping of PolicyRules that can be referenced as a unit by bindings.",
    properties: {
      aggregationRule: ref("io.k8s.api.rbac.v1.AggregationRule", "How to build the rules of this ClusterRole."),
      rules: listOf("io.k8s.api.rbac.v1.PolicyRule", "All the PolicyRules for this ClusterRole.", {
        "x-kubernetes-list-type": "atomic",
      }),
    },
  },
  ...(["RoleBinding", "ClusterRoleBinding"] as const).map(
    (kind): KindDefinition => ({
      group: "rbac.authorization.k8s.io",
      version: "v1",
      kind,
      description: `${kind} grants the permissions of a role to a set of subjects.`,
      required: ["roleRef"],
      properties: {
        roleRef: ref("io.k8s.api.rbac.v1.RoleRef", "The role being granted; cannot be changed."),
        subjects: listOf("io.k8s.api.rbac.v1.Subject", "The objects the role applies to.", {
          "x-kubernetes-list-type": "atomic",
        }),
      },
    }),
  ),
  {
    group: "",
    version: "v1",
    kind: "Service",
    description: "Service is a named abstraction of software service.",
    properties: openSpec("Service"),
  },
  {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    description: "Deployment enables declarative updates for Pods and ReplicaSets.",
    properties: openSpec("Deployment"),
  },
  {
    group: "apps",
    version: "v1",
    kind: "StatefulSet",
    description: "StatefulSet represents a set of pods with consistent identities.",
    properties: openSpec("StatefulSet"),
  },
  {
    group: "apps",
    version: "v1",
    kind: "DaemonSet",
    description: "DaemonSet represents the configuration of a daemon set.",
    properties: openSpec("DaemonSet"),
  },
  {
    group: "policy",
    version: "v1",
    kind: "PodDisruptionBudget",
    description: "PodDisruptionBudget limits the number of pods of a collection that are down simultaneously.",
    properties: openSpec("PodDisruptionBudget"),
  },
  {
    group: "autoscaling",
    version: "v2",
    kind: "HorizontalPodAutoscaler",
    description: "HorizontalPodAutoscaler automatically scales the number of pods of a scalable resource.",
    properties: openSpec("HorizontalPodAutoscaler"),
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "NetworkPolicy",
    description: "NetworkPolicy describes what network traffic is allowed for a set of Pods.",
    properties: { spec: open("The desired behavior of this NetworkPolicy.") },
  },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "ValidatingWebhookConfiguration",
    description: "Describes the admission webhooks that accept or reject an object.",
    properties: {
      webhooks: {
        type: "array",
        description: "The webhooks and the resources and operations they apply to.",
        items: open("One webhook."),
        "x-kubernetes-list-map-keys": ["name"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "name",
        "x-kubernetes-patch-strategy": "merge",
      },
    },
  },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "ValidatingAdmissionPolicy",
    description: "Describes an admission validation policy that accepts or rejects an object without changing it.",
    properties: openSpec("ValidatingAdmissionPolicy"),
  },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "ValidatingAdmissionPolicyBinding",
    description: "Binds a ValidatingAdmissionPolicy to parameter resources and namespaces.",
    properties: { spec: open("The desired behavior of the ValidatingAdmissionPolicyBinding.") },
  },
];

/** kube's definition prefix of a built-in group-version, e.g. io.k8s.api.apps.v1. */
export function builtinPrefix(group: string, version: string): string {
  if (group === "apiextensions.k8s.io") return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  const pkg = group === "" ? "core" : group.split(".")[0];
  return `io.k8s.api.${pkg}.${version}`;
}
