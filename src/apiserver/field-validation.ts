/**
 * The pruning of a request's unknown fields against the published schemas, with server-side field validation (the
 * fieldValidation parameter) reporting them as kube's strict decoding errors or as warnings.
 */
import { badRequest, invalidFields } from "./errors.js";
import { meta, type Schema } from "./openapi-schema-builders.js";
import { definitions, kindSchema } from "./openapi-served-schemas.js";
import type { KObj, ResourceType } from "./types.js";
import { isObject } from "./util.js";

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

/** The schema behind a $ref (or a one-element allOf of one), as the served OpenAPI writes shared definitions. */
export function resolveSchema(schema: Schema | undefined): Schema | undefined {
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
export function validationSchema(rt: ResourceType, version: string): Schema {
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
  const s = resolveSchema(schema);
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
