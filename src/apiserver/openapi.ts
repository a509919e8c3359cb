/**
 * OpenAPI v3 as kube-apiserver publishes it: the /openapi/v3 discovery document (one serverRelativeURL with a
 * content hash per group-version) and one document per group-version (paths with x-kubernetes-group-version-kind,
 * components.schemas named like kube's). Also the pruning of a request's unknown fields against those schemas, with
 * server-side field validation (the fieldValidation parameter) reporting them as kube's strict decoding errors or
 * warnings.
 */
import { createHash } from "node:crypto";
import { serverVersion } from "./discovery.js";
import { badRequest, invalidFields } from "./errors.js";
import {
  apiVersionProp,
  builtinPrefix,
  type KindDefinition,
  kindDefinitions,
  kindProp,
  meta,
  metaDefinitions,
  ref,
  refTo,
  type Schema,
  supportDefinitions,
} from "./openapi-schemas.js";
import { swaggerFromV3 } from "./openapi-v2.js";
import type { TypeStore } from "./store.js";
import type { KObj, ResourceType } from "./types.js";
import { isObject } from "./util.js";

const definitions: Record<string, Schema> = { ...metaDefinitions, ...supportDefinitions };
const kindIndex = new Map<string, KindDefinition>(kindDefinitions.map((k) => [`${k.group}/${k.version}/${k.kind}`, k]));

/** "external-secrets.io" -> "io.external-secrets", as kube names the schemas of custom resources. */
function reverseGroup(group: string): string {
  return group.split(".").reverse().join(".");
}

function schemaName(rt: ResourceType, version: string, kind = rt.kind): string {
  return rt.custom ? `${reverseGroup(rt.group)}.${version}.${kind}` : `${builtinPrefix(rt.group, version)}.${kind}`;
}

function gvk(rt: ResourceType, version: string, kind = rt.kind): KObj {
  return { group: rt.group, kind, version };
}

/** The published schema of a kind (without its GVK extension). */
function kindSchema(rt: ResourceType, version: string): Schema {
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

function listSchema(rt: ResourceType, version: string): Schema {
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

// ---- paths ----

const queryParam = (name: string, description: string, schema: Schema = { type: "string", uniqueItems: true }) => ({
  name,
  in: "query",
  description,
  schema,
});
const pathParam = (name: string, description: string) => ({
  name,
  in: "path",
  description,
  required: true,
  schema: { type: "string", uniqueItems: true },
});
const pretty = queryParam("pretty", "If 'true', the output is pretty printed.");
const dryRun = queryParam(
  "dryRun",
  "When present, modifications are not persisted. The only valid value is All: all dry run stages are processed.",
);
const fieldManager = queryParam("fieldManager", "A name associated with the actor or entity making these changes.");
const fieldValidation = queryParam(
  "fieldValidation",
  "How the server handles unknown or duplicate fields in the request object. Ignore: drop them silently. Warn: drop them and send a warning header for each (the default). Strict: fail the request with a BadRequest naming every such field.",
);
const force = queryParam(
  "force",
  'Force is going to "force" Apply requests: the request re-acquires conflicting fields owned by other managers. Only for apply patches.',
  { type: "boolean", uniqueItems: true },
);
const listParams = [
  queryParam("allowWatchBookmarks", "Requests watch events with type BOOKMARK.", {
    type: "boolean",
    uniqueItems: true,
  }),
  queryParam("continue", "The continue token returned with the previous page of a paged list."),
  queryParam("fieldSelector", "A selector restricting the returned objects by their fields."),
  queryParam("labelSelector", "A selector restricting the returned objects by their labels."),
  queryParam("limit", "The maximum number of items to return.", { type: "integer", uniqueItems: true }),
  queryParam("resourceVersion", "Which resource versions the request may be served from."),
  queryParam("timeoutSeconds", "Timeout for the list/watch call.", { type: "integer", uniqueItems: true }),
  queryParam("watch", "Watch for changes to the described resources and return them as a stream.", {
    type: "boolean",
    uniqueItems: true,
  }),
];
const deleteParams = [
  dryRun,
  queryParam("gracePeriodSeconds", "The duration in seconds before the object should be deleted.", {
    type: "integer",
    uniqueItems: true,
  }),
  queryParam("propagationPolicy", "Whether and how garbage collection is performed: Orphan, Background or Foreground."),
];

const patchTypes = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];

function content(name: string): KObj {
  const schema = { $ref: refTo(name) };
  return { "application/json": { schema }, "application/yaml": { schema } };
}

function operationId(verb: string, rt: ResourceType, version: string, suffix = ""): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const group = rt.group === "" ? "core" : rt.group.replace(/\.k8s\.io$/, "");
  const groupPart = group.split(/[.-]/).map(cap).join("");
  return `${verb}${groupPart}${cap(version)}${rt.namespaced && !suffix.includes("AllNamespaces") ? "Namespaced" : ""}${rt.kind}${suffix}`;
}

function pathsOf(rt: ResourceType, version: string): Record<string, KObj> {
  const kind = schemaName(rt, version);
  const list = schemaName(rt, version, rt.listKind);
  const ext = { "x-kubernetes-group-version-kind": gvk(rt, version) };
  const tags = [`${rt.group || "core"}_${version}`];
  const prefix = rt.group ? `/apis/${rt.group}/${version}` : `/api/${version}`;
  const ns = rt.namespaced ? "/namespaces/{namespace}" : "";
  const collection = `${prefix}${ns}/${rt.resource}`;
  const item = `${collection}/{name}`;
  const nsParam = rt.namespaced
    ? [pathParam("namespace", "Object name and auth scope, such as for teams and projects.")]
    : [];
  const nameParam = pathParam("name", `Name of the ${rt.kind}.`);
  const ok = (name: string, extra: KObj = {}) => ({
    "200": { description: "OK", content: content(name) },
    ...extra,
    "401": { description: "Unauthorized" },
  });
  const body = (types: string[], name: string) => ({
    content: Object.fromEntries(types.map((t) => [t, { schema: { $ref: refTo(name) } }])),
    required: true,
  });
  const op = (action: string, verb: string, description: string, rest: KObj, suffix = ""): KObj => ({
    tags,
    description,
    operationId: operationId(verb, rt, version, suffix),
    ...rest,
    "x-kubernetes-action": action,
    ...ext,
  });
  const patchBody = body(rt.custom ? patchTypes.slice(0, 3) : patchTypes, `${meta}Patch`);
  const writeParams = [dryRun, fieldManager, fieldValidation];
  const paths: Record<string, KObj> = {};
  paths[collection] = {
    get: op("list", "list", `list or watch objects of kind ${rt.kind}`, {
      parameters: listParams,
      responses: ok(list),
    }),
    post: op("post", "create", `create a ${rt.kind}`, {
      parameters: writeParams,
      requestBody: body(["*/*"], kind),
      responses: ok(kind, { "201": { description: "Created", content: content(kind) } }),
    }),
    delete: op("deletecollection", "deleteCollection", `delete collection of ${rt.kind}`, {
      parameters: [...deleteParams, ...listParams],
      requestBody: body(["*/*"], `${meta}DeleteOptions`),
      responses: ok(`${meta}Status`),
    }),
    parameters: [...nsParam, pretty],
  };
  paths[item] = {
    get: op("get", "read", `read the specified ${rt.kind}`, { responses: ok(kind) }),
    put: op("put", "replace", `replace the specified ${rt.kind}`, {
      parameters: writeParams,
      requestBody: body(["*/*"], kind),
      responses: ok(kind, { "201": { description: "Created", content: content(kind) } }),
    }),
    patch: op("patch", "patch", `partially update the specified ${rt.kind}`, {
      parameters: [...writeParams, force],
      requestBody: patchBody,
      responses: ok(kind, { "201": { description: "Created", content: content(kind) } }),
    }),
    delete: op("delete", "delete", `delete a ${rt.kind}`, {
      parameters: deleteParams,
      requestBody: body(["*/*"], `${meta}DeleteOptions`),
      responses: ok(`${meta}Status`, { "202": { description: "Accepted", content: content(`${meta}Status`) } }),
    }),
    parameters: [nameParam, ...nsParam, pretty],
  };
  if (rt.hasStatus) {
    paths[`${item}/status`] = {
      get: op("get", "read", `read status of the specified ${rt.kind}`, { responses: ok(kind) }, "Status"),
      put: op(
        "put",
        "replace",
        `replace status of the specified ${rt.kind}`,
        { parameters: writeParams, requestBody: body(["*/*"], kind), responses: ok(kind) },
        "Status",
      ),
      patch: op(
        "patch",
        "patch",
        `partially update status of the specified ${rt.kind}`,
        { parameters: [...writeParams, force], requestBody: patchBody, responses: ok(kind) },
        "Status",
      ),
      parameters: [nameParam, ...nsParam, pretty],
    };
  }
  if (rt.namespaced) {
    paths[`${prefix}/${rt.resource}`] = {
      get: op(
        "list",
        "list",
        `list or watch objects of kind ${rt.kind}`,
        { parameters: listParams, responses: ok(list) },
        "ForAllNamespaces",
      ),
      parameters: [pretty],
    };
  }
  return paths;
}

/** Adds `name` and every definition it references, transitively. */
function collect(name: string, pool: Record<string, Schema>, out: Record<string, Schema>): void {
  if (out[name] || !pool[name]) return;
  out[name] = pool[name];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && x.startsWith("#/components/schemas/")) {
          collect(x.slice("#/components/schemas/".length), pool, out);
        } else walk(x);
      }
    }
  };
  walk(pool[name]);
}

function groupVersionDocument(types: ResourceType[], version: string): KObj {
  const custom = types.some((t) => t.custom);
  const paths: Record<string, KObj> = {};
  const own: Record<string, Schema> = {};
  for (const rt of types) {
    Object.assign(paths, pathsOf(rt, version));
    own[schemaName(rt, version)] = {
      ...kindSchema(rt, version),
      "x-kubernetes-group-version-kind": [gvk(rt, version)],
    };
    own[schemaName(rt, version, rt.listKind)] = listSchema(rt, version);
  }
  const pool = { ...definitions, ...own };
  const schemas: Record<string, Schema> = {};
  for (const name of Object.keys(own)) collect(name, pool, schemas);
  for (const name of [`${meta}Patch`, `${meta}DeleteOptions`, `${meta}Status`]) collect(name, pool, schemas);
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((k) => [k, schemas[k]]),
  );
  return {
    openapi: "3.0.0",
    info: custom
      ? { title: "Kubernetes CRD Swagger", version: "v0.1.0" }
      : { title: "Kubernetes", version: serverVersion.gitVersion },
    paths: Object.fromEntries(
      Object.keys(paths)
        .sort()
        .map((k) => [k, paths[k]]),
    ),
    components: {
      schemas: sorted,
      securitySchemes: {
        BearerToken: {
          type: "apiKey",
          description: "Bearer Token authentication",
          name: "authorization",
          in: "header",
        },
      },
    },
  };
}

interface CachedDoc {
  types: ResourceType[];
  json: string;
  hash: string;
}

/** Serves /openapi/v3 documents, rebuilding a group-version's document only when its resource types change. */
export class OpenApiDocuments {
  private readonly cache = new Map<string, CachedDoc>();

  constructor(private readonly types: () => Iterable<TypeStore>) {}

  /** "api/v1" and "apis/<group>/<version>" -> the resource types served there. */
  private groupVersions(): Map<string, { version: string; types: ResourceType[] }> {
    const out = new Map<string, { version: string; types: ResourceType[] }>();
    for (const ts of this.types()) {
      for (const v of ts.rt.versions) {
        const key = ts.rt.group ? `apis/${ts.rt.group}/${v}` : `api/${v}`;
        let e = out.get(key);
        if (!e) {
          e = { version: v, types: [] };
          out.set(key, e);
        }
        e.types.push(ts.rt);
      }
    }
    return out;
  }

  private build(key: string, e: { version: string; types: ResourceType[] }): CachedDoc {
    const hit = this.cache.get(key);
    if (hit && hit.types.length === e.types.length && hit.types.every((t, i) => t === e.types[i])) return hit;
    const json = JSON.stringify(groupVersionDocument(e.types, e.version));
    const doc = { types: e.types, json, hash: createHash("sha512").update(json).digest("hex").toUpperCase() };
    this.cache.set(key, doc);
    return doc;
  }

  /** The discovery document: every group-version with a URL that changes whenever its document does. */
  discovery(): KObj {
    const gvs = this.groupVersions();
    for (const key of this.cache.keys()) if (!gvs.has(key)) this.cache.delete(key);
    const paths: KObj = {};
    for (const key of [...gvs.keys()].sort()) {
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${this.build(key, gvs.get(key)!).hash}` };
    }
    return { paths };
  }

  /** /openapi/v2 as JSON: every group-version's document merged into Swagger 2.0, rebuilt when one changes. */
  swagger(): string {
    const gvs = this.groupVersions();
    const docs = [...gvs.keys()].sort().map((key) => ({ key, doc: this.build(key, gvs.get(key)!) }));
    const stamp = docs.map((d) => d.doc.hash).join(",");
    if (this.v2?.stamp !== stamp) {
      const parsed = docs.map((d) => JSON.parse(d.doc.json) as KObj);
      this.v2 = { stamp, json: JSON.stringify(swaggerFromV3(parsed, v2Info)) };
    }
    return this.v2.json;
  }

  private v2: { stamp: string; json: string } | undefined;

  document(key: string): { json: string; hash: string } | undefined {
    const e = this.groupVersions().get(key);
    return e ? this.build(key, e) : undefined;
  }
}

// ---- field validation ----

export type FieldDirective = "Ignore" | "Warn" | "Strict";

/** The write being checked; names the options kind kube validates the query against. */
export type WriteOp = "create" | "update" | "patch" | "apply";

const optionsKind: Record<WriteOp, string> = {
  create: "CreateOptions",
  update: "UpdateOptions",
  patch: "PatchOptions",
  apply: "PatchOptions",
};

/** The fieldValidation directive of a write; absent means Warn, as in kube. */
function fieldDirective(query: URLSearchParams, op: WriteOp): FieldDirective {
  const v = query.get("fieldValidation") ?? "";
  if (v === "") return "Warn";
  if (v === "Ignore" || v === "Warn" || v === "Strict") return v;
  throw invalidFields("meta.k8s.io", optionsKind[op], "", [
    {
      field: "fieldValidation",
      type: "NotSupported",
      value: v,
      detail: 'supported values: "", "Ignore", "Strict", "Warn"',
    },
  ]);
}

function resolve(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && i < 8; i++) {
    const r =
      typeof s.$ref === "string"
        ? s.$ref
        : Array.isArray(s.allOf) && s.allOf.length === 1
          ? s.allOf[0]?.$ref
          : undefined;
    if (typeof r !== "string") break;
    s = definitions[r.slice("#/components/schemas/".length)];
  }
  return s;
}

const objectMeta = () => definitions[`${meta}ObjectMeta`];
const builtinSchemas = new Map<string, Schema>();
const openObject: Schema = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

/** The schema unknown fields are judged against; custom resources use their CRD's schema as is (no copy). */
function validationSchema(rt: ResourceType, version: string): Schema {
  if (rt.custom) return rt.schemas?.get(version) ?? openObject;
  const key = `${rt.group}/${version}/${rt.kind}`;
  let s = builtinSchemas.get(key);
  if (!s) {
    s = kindSchema(rt, version);
    builtinSchemas.set(key, s);
  }
  return s;
}

/**
 * The one pruning walk, run as a write is decoded (kube prunes in its decoder): removes from `value` every field the
 * schema does not declare and collects its path into `out`. Fields under x-kubernetes-preserve-unknown-fields are
 * kept (declared ones below are still walked); the metadata of the object and of each embedded resource is judged
 * against ObjectMeta, their apiVersion and kind always kept.
 */
function pruneUnknown(schema: Schema | undefined, value: unknown, path: string, root: boolean, out: string[]): void {
  const s = resolve(schema);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) for (let i = 0; i < value.length; i++) pruneUnknown(s.items, value[i], `${path}[${i}]`, false, out);
    return;
  }
  if (!isObject(value)) return;
  const resourceRoot = root || s["x-kubernetes-embedded-resource"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const props: KObj | undefined = s.properties;
  const addl = s.additionalProperties;
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (resourceRoot && (key === "apiVersion" || key === "kind")) continue;
    if (resourceRoot && key === "metadata") {
      pruneUnknown(objectMeta(), value[key], at, false, out);
      continue;
    }
    const sub = props?.[key];
    if (sub) pruneUnknown(sub, value[key], at, false, out);
    else if (isObject(addl)) pruneUnknown(addl, value[key], at, false, out);
    else if (!preserve && addl !== true) {
      out.push(at);
      delete value[key];
    }
  }
}

/**
 * Prunes the unknown fields of `obj` and applies the request's fieldValidation directive to them: Strict throws kube's
 * strict decoding error, Warn adds one warning per field to `warnings`, Ignore drops them silently. `op` selects kube's
 * wording. Every write of every kind passes here before it is defaulted and validated.
 */
export function checkFields(
  rt: ResourceType,
  version: string,
  obj: KObj,
  query: URLSearchParams,
  warnings: string[] | undefined,
  op: WriteOp,
): void {
  const directive = fieldDirective(query, op);
  const unknown: string[] = [];
  pruneUnknown(validationSchema(rt, version), obj, "", true, unknown);
  // Built-in kinds report them in the order the request names them (kube's strict JSON decoder); custom resources
  // in sorted order (kube's pruning pass).
  if (rt.custom) unknown.sort();
  if (unknown.length === 0 || directive === "Ignore") return;
  const msgs = unknown.map((p) => `unknown field "${p}"`);
  if (directive === "Warn") {
    warnings?.push(...msgs);
    return;
  }
  if (op === "apply") {
    const errs = unknown.map((p) => `.${p}: field not declared in schema`);
    // Go's GroupVersionKind form: "/v1, Kind=ConfigMap" for the core group.
    const gv = `${rt.group}/${version}`;
    throw badRequest(
      `failed to create typed patch object (${gv}, Kind=${rt.kind}): ${errs.length === 1 ? errs[0] : `errors:\n  ${errs.join("\n  ")}`}`,
    );
  }
  const decoding = `strict decoding error: ${msgs.join(", ")}`;
  throw badRequest(
    op === "patch" ? decoding : `${rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: ${decoding}`,
  );
}

/** A Warning header value in kube's form: 299 - "text" with quotes and backslashes escaped. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, " ")}"`;
}

// ---- /openapi/v2 ----

const v2Info = { title: "Kubernetes", version: serverVersion.gitVersion };

function pbString(field: number, s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
}

/**
 * The protobuf form of /openapi/v2 (gnostic's openapi_v2.Document: swagger = 1, info = 2 {title = 1, version = 2}) is
 * deliberately empty of definitions: the schemas live in /openapi/v3, and a protobuf v2 client (kubectl) that finds
 * no definition for a kind (validating a `kind: List` file) leaves the check to the server's fieldValidation. The
 * JSON form is complete (OpenApiDocuments.swagger).
 */
const v2InfoPb = Buffer.concat([pbString(1, v2Info.title), pbString(2, v2Info.version)]);
const v2Protobuf = {
  body: Buffer.concat([pbString(1, "2.0"), Buffer.from([(2 << 3) | 2, v2InfoPb.length]), v2InfoPb]),
  contentType: "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
};

export function openapiV2Protobuf(): { body: Buffer; contentType: string } {
  return v2Protobuf;
}
