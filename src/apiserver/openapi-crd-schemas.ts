/** OpenAPI v3 definitions of the apiextensions.k8s.io/v1 types a CustomResourceDefinition is made of. */
import {
  apiext,
  bool,
  int,
  listOf,
  meta,
  num,
  obj,
  open,
  ref,
  type Schema,
  str,
  strList,
} from "./openapi-schema-builders.js";

/** JSONSchemaProps and the CRD spec and status types, keyed by kube's definition names. */
export function crdDefinitions(): Record<string, Schema> {
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
