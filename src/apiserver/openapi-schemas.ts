/**
 * OpenAPI v3 definitions of the built-in kinds this server stores, named as kube names them
 * (io.k8s.api.core.v1.Secret, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ...). Kept to the fields the kinds
 * really have; kinds stored but not acted on (workloads) keep spec/status open so nothing valid is ever rejected.
 */
import type { KObj } from "./types.js";

export type Schema = KObj;

export const meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
const core = "io.k8s.api.core.v1.";
const apiext = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";

export function refTo(name: string): string {
  return `#/components/schemas/${name}`;
}

/** A property pointing at another definition, in kube's v3 style (allOf keeps the description beside the $ref). */
export function ref(name: string, description?: string): Schema {
  const s: Schema = { allOf: [{ $ref: refTo(name) }] };
  if (description) s.description = description;
  return s;
}

const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const int = (description: string, format = "int32"): Schema => ({ type: "integer", format, description });
const bool = (description: string): Schema => ({ type: "boolean", description });
const num = (description: string): Schema => ({ type: "number", format: "double", description });
const strMap = (description: string): Schema => ({
  type: "object",
  description,
  additionalProperties: { type: "string", default: "" },
});
const strList = (description: string, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items: { type: "string", default: "" },
  ...extra,
});
const listOf = (name: string, description: string, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items: { ...ref(name), default: {} },
  ...extra,
});
/** Arbitrary JSON kept as is (RawExtension-like content). */
const open = (description: string): Schema => ({
  type: "object",
  description,
  "x-kubernetes-preserve-unknown-fields": true,
});
const obj = (description: string, properties: Record<string, Schema>, required?: string[]): Schema => {
  const s: Schema = { type: "object", description, properties };
  if (required) s.required = required;
  return s;
};

export const apiVersionProp = str(
  "APIVersion defines the versioned schema of this representation of an object. Servers convert recognized schemas to the latest internal value and may reject unrecognized values.",
);
export const kindProp = str(
  "Kind is a string value representing the REST resource this object represents; servers may infer it from the endpoint the client submits requests to. In CamelCase.",
);

/** Definitions shared by every group-version document. */
export const metaDefinitions: Record<string, Schema> = {
  [`${meta}Time`]: {
    type: "string",
    format: "date-time",
    description: "A timestamp in RFC 3339 form, seconds precision.",
  },
  [`${meta}MicroTime`]: {
    type: "string",
    format: "date-time",
    description: "A timestamp in RFC 3339 form, microsecond precision.",
  },
  [`${meta}FieldsV1`]: open("FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format."),
  [`${meta}ManagedFieldsEntry`]: obj("The workflow ID and version of a manager of fields of a resource.", {
    apiVersion: str("The version of the resource the field set applies to."),
    fieldsType: str('The format of the fieldsV1 field; the only valid value is "FieldsV1".'),
    fieldsV1: ref(`${meta}FieldsV1`, "The field set of this entry."),
    manager: str("An identifier of the workflow managing these fields."),
    operation: str("The type of operation which led to this entry being created: Apply or Update."),
    subresource: str("The name of the subresource used to update the object; empty for the main resource."),
    time: ref(`${meta}Time`, "When this entry was last changed."),
  }),
  [`${meta}OwnerReference`]: {
    ...obj(
      "Enough information to identify an owning object, which must be in the same namespace as the dependent or cluster-scoped.",
      {
        apiVersion: str("API version of the referent."),
        blockOwnerDeletion: bool(
          'If true and the owner has the "foregroundDeletion" finalizer, the owner cannot be deleted from storage until this reference is removed.',
        ),
        controller: bool("If true, this reference points to the managing controller."),
        kind: str("Kind of the referent."),
        name: str("Name of the referent."),
        uid: str("UID of the referent."),
      },
      ["apiVersion", "kind", "name", "uid"],
    ),
    "x-kubernetes-map-type": "atomic",
  },
  [`${meta}ObjectMeta`]: obj(
    "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
    {
      annotations: strMap(
        "An unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. Not queryable.",
      ),
      creationTimestamp: ref(`${meta}Time`, "When this object was created; set by the server, read-only."),
      deletionGracePeriodSeconds: int(
        "Seconds allowed for this object to gracefully terminate before it is removed from the system. Read-only.",
        "int64",
      ),
      deletionTimestamp: ref(
        `${meta}Time`,
        "When this resource will be deleted; set by the server when a graceful deletion is requested. Read-only.",
      ),
      finalizers: strList(
        "Must be empty before the object is deleted from the registry. Each entry identifies a component responsible for a final cleanup step.",
        { "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
      ),
      generateName: str(
        "An optional prefix used by the server to generate a unique name only if the name field has not been provided.",
      ),
      generation: int("A sequence number representing a specific generation of the desired state. Read-only.", "int64"),
      labels: strMap(
        "Map of string keys and values that can be used to organize and categorize (scope and select) objects.",
      ),
      managedFields: listOf(
        `${meta}ManagedFieldsEntry`,
        "Maps workflow-id and version to the set of fields that are managed by that workflow.",
        { "x-kubernetes-list-type": "atomic" },
      ),
      name: str("Name must be unique within a namespace. Cannot be updated."),
      namespace: str(
        'The namespace within which each name must be unique. An empty namespace is equivalent to the "default" namespace.',
      ),
      ownerReferences: listOf(`${meta}OwnerReference`, "List of objects depended by this object.", {
        "x-kubernetes-list-map-keys": ["uid"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "uid",
        "x-kubernetes-patch-strategy": "merge",
      }),
      resourceVersion: str(
        "An opaque value that represents the internal version of this object, used for optimistic concurrency, change detection and watches.",
      ),
      selfLink: str("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
      uid: str("The unique in time and space value for this object, generated by the server on create. Read-only."),
    },
  ),
  [`${meta}ListMeta`]: obj("Metadata that synthetic resources must have, including lists.", {
    continue: str("Set when the list was truncated: pass it as the continue parameter to fetch the next page."),
    remainingItemCount: int("The number of subsequent items in the list not included in this response.", "int64"),
    resourceVersion: str("The version of the list, usable as the starting point of a watch."),
    selfLink: str("Deprecated: no longer populated by the system."),
  }),
  [`${meta}LabelSelectorRequirement`]: obj(
    "A selector that contains values, a key, and an operator that relates the key and values.",
    {
      key: str("The label key that the selector applies to."),
      operator: str("The key's relationship to a set of values: In, NotIn, Exists and DoesNotExist."),
      values: strList("An array of string values; empty for Exists and DoesNotExist.", {
        "x-kubernetes-list-type": "atomic",
      }),
    },
    ["key", "operator"],
  ),
  [`${meta}LabelSelector`]: {
    ...obj("A label query over a set of resources; the result of matchLabels and matchExpressions are ANDed.", {
      matchExpressions: listOf(`${meta}LabelSelectorRequirement`, "A list of label selector requirements, ANDed.", {
        "x-kubernetes-list-type": "atomic",
      }),
      matchLabels: strMap("A map of {key,value} pairs, each equivalent to an In requirement with a single value."),
    }),
    "x-kubernetes-map-type": "atomic",
  },
  [`${meta}Patch`]: {
    type: "object",
    description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
  },
  [`${meta}Preconditions`]: obj("Must be fulfilled before an operation (update, delete, etc.) is carried out.", {
    resourceVersion: str("Specifies the target ResourceVersion."),
    uid: str("Specifies the target UID."),
  }),
  [`${meta}DeleteOptions`]: obj("DeleteOptions may be provided when deleting an API object.", {
    apiVersion: apiVersionProp,
    dryRun: strList("When present, indicates that modifications should not be persisted."),
    gracePeriodSeconds: int("The duration in seconds before the object should be deleted.", "int64"),
    kind: kindProp,
    orphanDependents: bool("Deprecated: use propagationPolicy. Whether dependents are orphaned."),
    preconditions: ref(`${meta}Preconditions`, "Must be fulfilled before a deletion is carried out."),
    propagationPolicy: str("Whether and how garbage collection is performed: Orphan, Background or Foreground."),
  }),
  [`${meta}StatusCause`]: obj("More information about a failure, possibly naming the field at fault.", {
    field: str("The field of the resource that has caused this error, if any."),
    message: str("A human-readable description of the cause of the error."),
    reason: str("A machine-readable description of the cause of the error."),
  }),
  [`${meta}StatusDetails`]: obj("A set of additional properties that may be set by the server to describe a failure.", {
    causes: listOf(`${meta}StatusCause`, "The causes of a failure.", { "x-kubernetes-list-type": "atomic" }),
    group: str("The group attribute of the resource associated with the status."),
    kind: str("The kind attribute of the resource associated with the status."),
    name: str("The name attribute of the resource associated with the status, when there is a single name."),
    retryAfterSeconds: int("The number of seconds before the client should attempt to retry."),
    uid: str("UID of the resource, when there is a single resource."),
  }),
  [`${meta}Status`]: obj("Status is a return value for calls that don't return other objects.", {
    apiVersion: apiVersionProp,
    code: int("Suggested HTTP return code for this status, 0 if not set."),
    details: ref(`${meta}StatusDetails`, "Extended data associated with the reason."),
    kind: kindProp,
    message: str("A human-readable description of the status of this operation."),
    metadata: ref(`${meta}ListMeta`, "Standard list metadata."),
    reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
    status: str('Status of the operation: "Success" or "Failure".'),
  }),
  [`${meta}Condition`]: obj(
    "Condition contains details for one aspect of the current state of an API resource.",
    {
      lastTransitionTime: ref(`${meta}Time`, "The last time the condition transitioned from one status to another."),
      message: str("A human readable message indicating details about the transition."),
      observedGeneration: int("The .metadata.generation the condition was set based upon.", "int64"),
      reason: str("A programmatic identifier indicating the reason for the condition's last transition."),
      status: str("Status of the condition, one of True, False, Unknown."),
      type: str("Type of condition in CamelCase."),
    },
    ["type", "status", "lastTransitionTime", "reason", "message"],
  ),
};

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

function crdDefinitions(): Record<string, Schema> {
  const props = `${apiext}JSONSchemaProps`;
  const propsMap = (description: string): Schema => ({ type: "object", description, additionalProperties: ref(props) });
  const propsList = (description: string): Schema => listOf(props, description, { "x-kubernetes-list-type": "atomic" });
  return {
    [props]: obj("JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/).", {
      $ref: str("A reference to another schema; not allowed in CRD schemas."),
      $schema: str("The JSON Schema version."),
      additionalItems: open("A schema or boolean for items beyond those listed; not allowed in structural schemas."),
      additionalProperties: open("A schema or boolean for properties not named in properties."),
      allOf: propsList("The value must be valid against all of these schemas."),
      anyOf: propsList("The value must be valid against at least one of these schemas."),
      default: open("The default value for undefined object fields; applied while decoding."),
      definitions: propsMap("Named schemas that can be referenced."),
      dependencies: open("Property dependencies: schemas or lists of property names."),
      description: str("A human readable description of the value."),
      enum: { type: "array", description: "The allowed values.", items: open("One allowed value.") },
      example: open("An example value."),
      exclusiveMaximum: bool("Whether maximum itself is excluded."),
      exclusiveMinimum: bool("Whether minimum itself is excluded."),
      externalDocs: ref(`${apiext}ExternalDocumentation`, "Documentation elsewhere."),
      format: str("The format of string or number values, e.g. int32, date-time, byte."),
      id: str("The schema id."),
      items: open("The schema (or schemas) of array items."),
      maxItems: int("The maximum number of array items.", "int64"),
      maxLength: int("The maximum string length.", "int64"),
      maxProperties: int("The maximum number of object properties.", "int64"),
      maximum: num("The maximum numeric value."),
      minItems: int("The minimum number of array items.", "int64"),
      minLength: int("The minimum string length.", "int64"),
      minProperties: int("The minimum number of object properties.", "int64"),
      minimum: num("The minimum numeric value."),
      multipleOf: num("Numeric values must be a multiple of this."),
      not: ref(props, "The value must not be valid against this schema."),
      nullable: bool("Whether null is allowed as a value."),
      oneOf: propsList("The value must be valid against exactly one of these schemas."),
      pattern: str("A regular expression string values must match."),
      patternProperties: propsMap("Schemas for properties whose names match the given patterns."),
      properties: propsMap("Schemas for the named properties of an object."),
      required: strList("Names of properties that must be present.", { "x-kubernetes-list-type": "atomic" }),
      title: str("A short title of the value."),
      type: str("The type of the value: object, array, string, integer, number or boolean."),
      uniqueItems: bool("Whether array items must be unique."),
      "x-kubernetes-embedded-resource": bool(
        "The value is an embedded Kubernetes object with apiVersion, kind and metadata.",
      ),
      "x-kubernetes-int-or-string": bool("The value may be an integer or a string."),
      "x-kubernetes-list-map-keys": strList("The keys identifying items of a list of type map.", {
        "x-kubernetes-list-type": "atomic",
      }),
      "x-kubernetes-list-type": str("How the list is merged: atomic, set or map."),
      "x-kubernetes-map-type": str("How the object is merged: granular or atomic."),
      "x-kubernetes-preserve-unknown-fields": bool("Fields not named in the schema are kept instead of pruned."),
      "x-kubernetes-validations": listOf(`${apiext}ValidationRule`, "CEL validation rules for the value.", {
        "x-kubernetes-list-map-keys": ["rule"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "rule",
        "x-kubernetes-patch-strategy": "merge",
      }),
    }),
    [`${apiext}ExternalDocumentation`]: obj("Documentation kept elsewhere.", {
      description: str("What the documentation covers."),
      url: str("Where the documentation is."),
    }),
    [`${apiext}ValidationRule`]: obj(
      "A CEL validation rule applied to a value.",
      {
        fieldPath: str("The field the error is reported against."),
        message: str("The message shown when the rule fails."),
        messageExpression: str("A CEL expression producing the failure message."),
        optionalOldSelf: bool("Whether the rule also runs on create, with oldSelf absent."),
        reason: str("The machine-readable reason returned when the rule fails."),
        rule: str("The CEL expression; self is the value."),
      },
      ["rule"],
    ),
    [`${apiext}CustomResourceValidation`]: obj("Validation methods for CustomResources.", {
      openAPIV3Schema: ref(props, "The OpenAPI v3 schema used for validation and pruning."),
    }),
    [`${apiext}CustomResourceColumnDefinition`]: obj(
      "A column for server side printing.",
      {
        description: str("A human readable description of this column."),
        format: str("An optional OpenAPI type definition for this column."),
        jsonPath: str("A simple JSON path evaluated against each custom resource to produce the value."),
        name: str("A human readable name for the column."),
        priority: int("The importance of this column relative to others; 0 is shown in standard views."),
        type: str("An OpenAPI type definition for this column."),
      },
      ["name", "type", "jsonPath"],
    ),
    [`${apiext}SelectableField`]: obj(
      "A field usable as a field selector.",
      {
        jsonPath: str("A simple JSON path evaluated against each custom resource to produce a field selector value."),
      },
      ["jsonPath"],
    ),
    [`${apiext}CustomResourceSubresourceScale`]: obj(
      "How to serve the scale subresource.",
      {
        labelSelectorPath: str("The JSON path of the label selector in status."),
        specReplicasPath: str("The JSON path of the desired replicas in spec."),
        statusReplicasPath: str("The JSON path of the observed replicas in status."),
      },
      ["specReplicasPath", "statusReplicasPath"],
    ),
    [`${apiext}CustomResourceSubresources`]: obj("Status and scale subresources for CustomResources.", {
      scale: ref(`${apiext}CustomResourceSubresourceScale`, "Enables the scale subresource."),
      status: open("Enables the status subresource."),
    }),
    [`${apiext}CustomResourceDefinitionVersion`]: obj(
      "A version of a CustomResourceDefinition.",
      {
        additionalPrinterColumns: listOf(`${apiext}CustomResourceColumnDefinition`, "Columns shown in table output.", {
          "x-kubernetes-list-type": "atomic",
        }),
        deprecated: bool("Whether this version is deprecated."),
        deprecationWarning: str("The warning returned to clients of a deprecated version."),
        name: str("The version name, e.g. v1 or v2beta1."),
        schema: ref(`${apiext}CustomResourceValidation`, "The schema for validation, pruning and defaulting."),
        selectableFields: listOf(`${apiext}SelectableField`, "Fields usable as field selectors.", {
          "x-kubernetes-list-type": "atomic",
        }),
        served: bool("Whether this version is served through the REST API."),
        storage: bool("Whether objects are persisted in this version; exactly one version must be."),
        subresources: ref(`${apiext}CustomResourceSubresources`, "The subresources this version serves."),
      },
      ["name", "served", "storage"],
    ),
    [`${apiext}ServiceReference`]: obj(
      "A reference to a Service.",
      {
        name: str("The name of the service."),
        namespace: str("The namespace of the service."),
        path: str("An optional URL path at which the webhook is contacted."),
        port: int("An optional service port at which the webhook is contacted."),
      },
      ["namespace", "name"],
    ),
    [`${apiext}WebhookClientConfig`]: obj("How to reach a webhook over TLS.", {
      caBundle: str("A PEM encoded CA bundle used to validate the webhook's server certificate.", { format: "byte" }),
      service: ref(`${apiext}ServiceReference`, "The service the webhook runs behind."),
      url: str("The webhook's location in standard URL form."),
    }),
    [`${apiext}WebhookConversion`]: obj(
      "Configuration of a conversion webhook.",
      {
        clientConfig: ref(`${apiext}WebhookClientConfig`, "How to call the webhook."),
        conversionReviewVersions: strList("ConversionReview versions the webhook accepts, in preference order.", {
          "x-kubernetes-list-type": "atomic",
        }),
      },
      ["conversionReviewVersions"],
    ),
    [`${apiext}CustomResourceConversion`]: obj(
      "How to convert between versions of a CustomResource.",
      {
        strategy: str("None or Webhook."),
        webhook: ref(`${apiext}WebhookConversion`, "The webhook to call when strategy is Webhook."),
      },
      ["strategy"],
    ),
    [`${apiext}CustomResourceDefinitionNames`]: obj(
      "The names used to serve a CustomResourceDefinition.",
      {
        categories: strList("Grouped resources this resource belongs to, e.g. all.", {
          "x-kubernetes-list-type": "atomic",
        }),
        kind: str("The serialized kind of the resource, normally CamelCase and singular."),
        listKind: str("The serialized kind of the list of this resource; defaults to kind + List."),
        plural: str("The plural name of the resource to serve; must match the CRD name."),
        shortNames: strList("Short names for the resource, usable with kubectl get.", {
          "x-kubernetes-list-type": "atomic",
        }),
        singular: str("The singular name of the resource; defaults to the lowercased kind."),
      },
      ["plural", "kind"],
    ),
    [`${apiext}CustomResourceDefinitionSpec`]: obj(
      "How a user wants their resource to appear.",
      {
        conversion: ref(`${apiext}CustomResourceConversion`, "How to convert between versions."),
        group: str("The API group of the defined custom resource."),
        names: ref(`${apiext}CustomResourceDefinitionNames`, "The resource and kind names."),
        preserveUnknownFields: bool(
          "Deprecated: keep fields not named in the schema (apiextensions v1 requires false).",
        ),
        scope: str("Cluster or Namespaced."),
        versions: listOf(`${apiext}CustomResourceDefinitionVersion`, "The served versions of the resource.", {
          "x-kubernetes-list-type": "atomic",
        }),
      },
      ["group", "names", "scope", "versions"],
    ),
    [`${apiext}CustomResourceDefinitionCondition`]: obj(
      "The state of a CustomResourceDefinition at a certain point.",
      {
        lastTransitionTime: ref(`${meta}Time`, "Last time the condition transitioned from one status to another."),
        message: str("Human-readable details of the last transition."),
        observedGeneration: int("The .metadata.generation the condition was set based upon.", "int64"),
        reason: str("Unique, one-word, CamelCase reason for the last transition."),
        status: str("True, False or Unknown."),
        type: str("The type of the condition: Established, NamesAccepted or Terminating."),
      },
      ["type", "status"],
    ),
    [`${apiext}CustomResourceDefinitionStatus`]: obj("The state of a CustomResourceDefinition.", {
      acceptedNames: ref(`${apiext}CustomResourceDefinitionNames`, "The names actually being used to serve discovery."),
      conditions: listOf(`${apiext}CustomResourceDefinitionCondition`, "The observations of the CRD's state.", {
        "x-kubernetes-list-map-keys": ["type"],
        "x-kubernetes-list-type": "map",
      }),
      storedVersions: strList("All versions of this resource that were ever persisted.", {
        "x-kubernetes-list-type": "atomic",
      }),
    }),
  };
}

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
