/**
 * The schema each served resource type is published and validated under: its definition name, group-version-kind,
 * object and list schemas, and the pool of shared definitions they refer to.
 */
import { builtinPrefix, type KindDefinition, kindDefinitions } from "./openapi-kind-schemas.js";
import { metaDefinitions } from "./openapi-meta-schemas.js";
import { apiVersionProp, kindProp, meta, ref, type Schema } from "./openapi-schema-builders.js";
import { supportDefinitions } from "./openapi-support-schemas.js";
import type { KObj, ResourceType } from "./types.js";

export const definitions: Record<string, Schema> = { ...metaDefinitions, ...supportDefinitions };
const kindIndex = new Map<string, KindDefinition>(kindDefinitions.map((k) => [`${k.group}/${k.version}/${k.kind}`, k]));

/** "external-secrets.io" -> "io.external-secrets", as kube names the schemas of custom resources. */
function reverseGroup(group: string): string {
  return group.split(".").reverse().join(".");
}

export function schemaName(rt: ResourceType, version: string, kind = rt.kind): string {
  return rt.custom ? `${reverseGroup(rt.group)}.${version}.${kind}` : `${builtinPrefix(rt.group, version)}.${kind}`;
}

export function gvk(rt: ResourceType, version: string, kind = rt.kind): KObj {
  return { group: rt.group, kind, version };
}

/** The published schema of a kind (without its GVK extension). */
export function kindSchema(rt: ResourceType, version: string): Schema {
  if (rt.custom) {
    const base: Schema = structuredClone(rt.schemas?.get(version) ?? { type: "object" });
    if (!rt.schemas?.get(version)) base["x-kubernetes-preserve-unknown-fields"] = true;
    base.properties = {
      ...(base.properties ?? {}),
      apiVersion: base.properties?.apiVersion ?? apiVersionProp,
      kind: base.properties?.kind ?? kindProp,
      metadata: ref(`${meta}ObjectMeta`, "Standard object's metadata."),
    };
    return base;
  }
  const def = kindIndex.get(`${rt.group}/${version}/${rt.kind}`);
  const properties: Schema = {
    apiVersion: apiVersionProp,
    kind: kindProp,
    metadata: ref(`${meta}ObjectMeta`, "Standard object's metadata."),
    ...(def?.properties ?? {}),
  };
  const s: Schema = {
    description: def?.description ?? `${rt.kind} is a ${rt.group || "core"} resource.`,
    type: "object",
    properties,
  };
  if (def?.required) s.required = def.required;
  // A stored kind without a definition here is kept whole rather than second-guessed.
  if (!def) s["x-kubernetes-preserve-unknown-fields"] = true;
  return s;
}

export function listSchema(rt: ResourceType, version: string): Schema {
  return {
    description: `${rt.listKind} is a list of ${rt.kind} objects.`,
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: apiVersionProp,
      items: {
        type: "array",
        description: `List of ${rt.resource}.`,
        items: { ...ref(schemaName(rt, version)), default: {} },
      },
      kind: kindProp,
      metadata: ref(`${meta}ListMeta`, "Standard list metadata."),
    },
    "x-kubernetes-group-version-kind": [gvk(rt, version, rt.listKind)],
  };
}
