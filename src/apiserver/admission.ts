/** The checks and kind-specific defaulting every write passes before it reaches storage. */
import type { ClusterState } from "./cluster-state.js";
import { validateCRD } from "./crd.js";
import { ApiError, badRequest, type FieldError, invalidFields, notFound } from "./errors.js";
import { prepareConfigMap, prepareSecret, validateMeta, validateName } from "./kinds.js";
import { applyDefaults, validate } from "./schema.js";
import type { TypeStore } from "./store.js";
import { apiVersionOf, type KObj, typeKey } from "./types.js";
import { isObject } from "./util.js";
import { crdKey, nsKey } from "./well-known.js";

/** The body as an object of the served kind, with apiVersion and kind filled in. */
export function checkTypeMeta(ts: TypeStore, version: string, obj: unknown): KObj {
  if (!isObject(obj)) throw badRequest(`the body of the request was not a ${ts.rt.kind} object`);
  const av = apiVersionOf(ts.rt.group, version);
  if (obj.kind !== undefined && obj.kind !== ts.rt.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${ts.rt.kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== av) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${av})`);
  }
  obj.apiVersion = av;
  obj.kind = ts.rt.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isObject(obj.metadata)) throw badRequest("metadata must be an object");
  return obj;
}

/** Puts the object in the request's namespace; a different namespace in the body is kube's 400. */
export function bindNamespace(ts: TypeStore, meta: KObj, ns: string | undefined): void {
  if (!ts.rt.namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace && meta.namespace !== ns) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  meta.namespace = ns;
}

/** New content needs a namespace that exists and is not being terminated. */
export function ensureNamespace(state: ClusterState, ns: string | undefined, verbResource: string, name: string): void {
  if (!ns) throw badRequest("a namespace is required for namespaced resources");
  const n = state.types.get(nsKey)!.get("", ns);
  if (!n) throw notFound("", "namespaces", ns);
  if (n.metadata.deletionTimestamp) {
    throw new ApiError(
      403,
      `${verbResource} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      "Forbidden",
      { name, kind: verbResource },
    );
  }
}

/** Kind-specific normalization and validation; returns the field errors (empty when valid). */
export function prepare(ts: TypeStore, version: string, obj: KObj, old: KObj | undefined): FieldError[] {
  const errs: FieldError[] = [...validateName(ts.rt.resource, obj.metadata.name), ...validateMeta(obj.metadata)];
  const tk = typeKey(ts.rt.group, ts.rt.resource);
  if (tk === "/secrets") errs.push(...prepareSecret(obj, old));
  else if (tk === "/configmaps") errs.push(...prepareConfigMap(obj, old));
  else if (tk === nsKey) {
    obj.spec = { ...(obj.spec ?? {}) };
    if (!old) obj.spec.finalizers = ["kubernetes"];
    else obj.spec.finalizers = old.spec?.finalizers ?? [];
    obj.status = { ...(obj.status ?? {}), phase: old?.metadata.deletionTimestamp ? "Terminating" : "Active" };
  } else if (tk === crdKey) {
    errs.push(...validateCRD(obj, old));
  } else if (ts.rt.custom) {
    const schema = ts.rt.schemas?.get(version);
    if (schema) {
      applyDefaults(schema, obj);
      errs.push(...validate(schema, obj));
    }
  }
  dropEmpty(obj.metadata, ["labels", "annotations", "finalizers", "ownerReferences"]);
  if (tk === "/secrets") dropEmpty(obj, ["data"]);
  else if (tk === "/configmaps") dropEmpty(obj, ["data", "binaryData"]);
  return errs;
}

/** kube's 422 Invalid for an object of this type. */
export function fail(ts: TypeStore, name: string, errs: FieldError[]): never {
  throw invalidFields(ts.rt.group, ts.rt.kind, name, errs);
}

/** Go's omitempty on typed fields: an empty map or list is not stored. */
function dropEmpty(o: KObj, keys: string[]): void {
  for (const k of keys) {
    const v = o[k];
    if ((Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)) delete o[k];
  }
}
