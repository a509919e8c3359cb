/** Renders the resource table into apiextensions.k8s.io/v1 CustomResourceDefinitions. */
import type { TSchema } from "@sinclair/typebox";
import { stringify } from "yaml";
import { LABEL_COMPONENT } from "./constants.js";
import { type ResourceDef, resources } from "./resources.js";

/** OpenAPI keywords Kubernetes accepts in a structural schema; TypeBox bookkeeping is dropped. */
const KEEP = new Set([
  "type",
  "description",
  "properties",
  "required",
  "items",
  "additionalProperties",
  "enum",
  "default",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "nullable",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-map-type",
  "x-kubernetes-list-type",
]);

/** One TypeBox schema as a Kubernetes structural openAPIV3Schema. */
export function toOpenAPI(schema: TSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key !== "patternProperties" && !KEEP.has(key)) continue;
    if (key === "patternProperties") {
      // TypeBox spells string-keyed maps as patternProperties; Kubernetes wants additionalProperties.
      const [inner] = Object.values(value as Record<string, TSchema>);
      out.additionalProperties = toOpenAPI(inner as TSchema);
    } else if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, TSchema>).map(([k, v]) => [k, toOpenAPI(v)]),
      );
    } else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) {
      out[key] = toOpenAPI(value as TSchema);
    } else if (key === "required") {
      if ((value as string[]).length > 0) out.required = [...(value as string[])];
    } else {
      out[key] = value;
    }
  }
  return out;
}

function rootSchema(schema: TSchema): Record<string, unknown> {
  const root = toOpenAPI(schema);
  const properties = { ...(root.properties as Record<string, unknown>) };
  properties.metadata = { type: "object" };
  const required = ((root.required as string[] | undefined) ?? []).filter((r) => r !== "metadata");
  return { ...root, properties, ...(required.length ? { required } : {}) };
}

export function crdFor(def: ResourceDef): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${def.plural}.${def.group}`,
      labels: { [LABEL_COMPONENT]: "controller" },
    },
    spec: {
      group: def.group,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
        categories: def.categories,
      },
      scope: def.scope,
      conversion: { strategy: "None" },
      versions: def.versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        ...(def.printerColumns.length ? { additionalPrinterColumns: def.printerColumns } : {}),
        schema: { openAPIV3Schema: rootSchema(v.schema) },
        ...(def.status ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

/** Every CustomResourceDefinition of this API, in a stable order. */
export function allCRDs(): object[] {
  return resources.map(crdFor);
}

/** The bundle as multi-document YAML (what `eso crds` prints and deploy/crds/bundle.yaml holds). */
export function crdsYAML(): string {
  return allCRDs()
    .map((crd) => `---\n${stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })}`)
    .join("");
}
