/** OpenAPI v3 definitions the kinds refer to, other than the meta types and the kinds themselves. */
import { crdDefinitions } from "./openapi-crd-schemas.js";
import { core, int, listOf, meta, obj, ref, type Schema, str, strList } from "./openapi-schema-builders.js";

const objectReference = obj(
  "ObjectReference contains enough information to let you inspect or modify the referred object.",
  {
    apiVersion: str("API version of the referent."),
    fieldPath: str("If referring to a piece of an object instead of an entire object, the path to that piece."),
    kind: str("Kind of the referent."),
    name: str("Name of the referent."),
    namespace: str("Namespace of the referent."),
    resourceVersion: str("Specific resourceVersion to which this reference is made, if any."),
    uid: str("UID of the referent."),
  },
);
objectReference["x-kubernetes-map-type"] = "atomic";

/** Definitions other than the kinds themselves. */
export const supportDefinitions: Record<string, Schema> = {
  [`${core}ObjectReference`]: objectReference,
  [`${core}LocalObjectReference`]: {
    ...obj("Enough information to let you locate the referenced object inside the same namespace.", {
      name: str("Name of the referent.", { default: "" }),
    }),
    "x-kubernetes-map-type": "atomic",
  },
  [`${core}NamespaceSpec`]: obj("NamespaceSpec describes the attributes on a Namespace.", {
    finalizers: strList(
      "An opaque list of values that must be empty to permanently remove the namespace from storage.",
      {
        "x-kubernetes-list-type": "atomic",
      },
    ),
  }),
  [`${core}NamespaceCondition`]: obj(
    "NamespaceCondition contains details about the state of a namespace.",
    {
      lastTransitionTime: ref(`${meta}Time`, "Last time the condition transitioned from one status to another."),
      message: str("Human-readable message indicating details about the last transition."),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str("Status of the condition, one of True, False, Unknown."),
      type: str("Type of namespace controller condition."),
    },
    ["type", "status"],
  ),
  [`${core}NamespaceStatus`]: obj("NamespaceStatus is information about the current status of a Namespace.", {
    conditions: listOf(
      `${core}NamespaceCondition`,
      "The latest available observations of a namespace's current state.",
      {
        "x-kubernetes-list-map-keys": ["type"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "type",
        "x-kubernetes-patch-strategy": "merge",
      },
    ),
    phase: str("The current lifecycle phase of the namespace: Active or Terminating."),
  }),
  [`${core}EventSource`]: obj("EventSource contains information for an event.", {
    component: str("Component from which the event is generated."),
    host: str("Node name on which the event is generated."),
  }),
  [`${core}EventSeries`]: obj("A series of events: an event that happened more than once.", {
    count: int("Number of occurrences in this series up to the last heartbeat time."),
    lastObservedTime: ref(`${meta}MicroTime`, "Time of the last occurrence observed."),
  }),
  "io.k8s.api.events.v1.EventSeries": obj(
    "A series of events: an event that happened more than once.",
    {
      count: int("The number of occurrences in this series up to the last heartbeat time."),
      lastObservedTime: ref(`${meta}MicroTime`, "The time when the last event occurred."),
    },
    ["count", "lastObservedTime"],
  ),
  "io.k8s.api.coordination.v1.LeaseSpec": obj("LeaseSpec is a specification of a Lease.", {
    acquireTime: ref(`${meta}MicroTime`, "The time when the current lease was acquired."),
    holderIdentity: str("The identity of the holder of a current lease."),
    leaseDurationSeconds: int(
      "Duration that candidates for a lease need to wait to force acquire it, measured against the time of the last observed renewTime.",
    ),
    leaseTransitions: int("The number of transitions of a lease between holders."),
    preferredHolder: str("Signals to a lease holder that the lease has a more optimal holder and should be given up."),
    renewTime: ref(`${meta}MicroTime`, "The time when the current holder of a lease has last updated the lease."),
    strategy: str("The strategy for picking the leader for coordinated leader election."),
  }),
  "io.k8s.api.rbac.v1.PolicyRule": obj(
    "A rule: the verbs a subject may perform on resources or non-resource URLs.",
    {
      apiGroups: strList("The API groups that contain the resources.", { "x-kubernetes-list-type": "atomic" }),
      nonResourceURLs: strList("Partial URLs a user should have access to.", { "x-kubernetes-list-type": "atomic" }),
      resourceNames: strList("An optional allow-list of names the rule applies to.", {
        "x-kubernetes-list-type": "atomic",
      }),
      resources: strList("Resources this rule applies to; '*' represents all resources.", {
        "x-kubernetes-list-type": "atomic",
      }),
      verbs: strList("Verbs that apply to all resources and non-resource URLs in this rule; '*' represents all.", {
        "x-kubernetes-list-type": "atomic",
      }),
    },
    ["verbs"],
  ),
  "io.k8s.api.rbac.v1.Subject": {
    ...obj(
      "A reference to a user, group or service account a role binding applies to.",
      {
        apiGroup: str("The API group of the referenced subject."),
        kind: str('Kind of object being referenced: "User", "Group" or "ServiceAccount".'),
        name: str("Name of the object being referenced."),
        namespace: str("Namespace of the referenced object, for namespaced kinds such as ServiceAccount."),
      },
      ["kind", "name"],
    ),
    "x-kubernetes-map-type": "atomic",
  },
  "io.k8s.api.rbac.v1.RoleRef": {
    ...obj(
      "Information that points to the role being used.",
      {
        apiGroup: str("The group for the resource being referenced.", { default: "" }),
        kind: str("The type of resource being referenced.", { default: "" }),
        name: str("The name of the resource being referenced.", { default: "" }),
      },
      ["apiGroup", "kind", "name"],
    ),
    "x-kubernetes-map-type": "atomic",
  },
  "io.k8s.api.rbac.v1.AggregationRule": obj("How to build the rules of a ClusterRole from other ClusterRoles.", {
    clusterRoleSelectors: listOf(`${meta}LabelSelector`, "Selectors of the ClusterRoles whose rules are aggregated.", {
      "x-kubernetes-list-type": "atomic",
    }),
  }),
  ...crdDefinitions(),
};
