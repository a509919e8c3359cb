/** The paths of one resource type in an OpenAPI v3 group-version document: its operations, parameters and bodies. */
import { meta, refTo, type Schema } from "./openapi-schema-builders.js";
import { gvk, schemaName } from "./openapi-served-schemas.js";
import type { KObj, ResourceType } from "./types.js";

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

export function pathsOf(rt: ResourceType, version: string): Record<string, KObj> {
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
