/** The write verbs: create, update (also of /status) and patch in its four content types, server-side apply included. */
import { randomUUID } from "node:crypto";
import { bindNamespace, checkTypeMeta, ensureNamespace, fail, prepare } from "./admission.js";
import type { ClusterState } from "./cluster-state.js";
import { crdStatus } from "./crd.js";
import { ApiError, alreadyExists, badRequest, conflict, type FieldError, notFound, staleMessage } from "./errors.js";
import { checkFields, validationSchema } from "./field-validation.js";
import { type Manager, managerOf, recordApply, recordUpdate, requireApplyManager } from "./managed-fields.js";
import { applyMerge, jsonPatch, mergePatch, strategicMergePatch } from "./patch.js";
import type { ReqInfo } from "./request.js";
import type { TypeStore } from "./store.js";
import { apiVersionOf, type KObj, typeKey } from "./types.js";
import { copy, deepEqual, isObject, now } from "./util.js";
import { crdCleanupFinalizer, crdKey, listFinalizers } from "./well-known.js";

const nameChars = "bcdfghjklmnpqrstvwxz2456789";

function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

/** Creates the object of a request on the type's main resource (subresources are routed before this). */
export function create(state: ClusterState, ts: TypeStore, ri: ReqInfo, body: unknown, dryRun: boolean): KObj {
  const obj = checkTypeMeta(ts, ri.version, body);
  checkFields(ts.rt, ri.version, obj, ri.query, ri.warnings, "create");
  const meta = obj.metadata;
  bindNamespace(ts, meta, ri.namespace);
  if (!meta.name) {
    if (meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    else fail(ts, "", [{ field: "metadata.name", type: "Required", detail: "name or generateName is required" }]);
  }
  if (ts.rt.namespaced) ensureNamespace(state, meta.namespace, ri.resource, meta.name);
  return createPrepared(state, ts, ri.version, obj, dryRun, ri);
}

/** `ri` is the request being served; objects the server makes itself (bootstrap) have no managers. */
export function createPrepared(
  state: ClusterState,
  ts: TypeStore,
  version: string,
  obj: KObj,
  dryRun: boolean,
  ri?: ReqInfo,
): KObj {
  const meta = obj.metadata;
  if (ts.rt.hasStatus && ts.rt.custom) delete obj.status;
  const errs = prepare(ts, version, obj, undefined);
  if (errs.length) fail(ts, meta.name, errs);
  if (ri && !ri.applied)
    recordUpdate(undefined, obj, manager(ts, ri), ts.rt.hasStatus, validationSchema(ts.rt, version));
  if (Array.isArray(meta.managedFields) && meta.managedFields.length === 0) delete meta.managedFields;
  if (ts.get(meta.namespace ?? "", meta.name)) throw alreadyExists(ts.rt.group, ts.rt.resource, meta.name);
  meta.uid = randomUUID();
  meta.creationTimestamp = now();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  delete meta.selfLink;
  if (ts.rt.generation) meta.generation = 1;
  else delete meta.generation;
  if (typeKey(ts.rt.group, ts.rt.resource) === crdKey) {
    meta.finalizers = [...new Set([...listFinalizers(obj), crdCleanupFinalizer])];
    obj.status = crdStatus(obj);
  }
  const stored = state.toStorage(ts, obj);
  if (dryRun) return state.toVersion(ts, stored, version);
  state.nextRv(stored);
  state.commit(ts, "ADDED", stored, undefined);
  return state.toVersion(ts, stored, version);
}

export function update(
  state: ClusterState,
  ri: ReqInfo,
  body: unknown,
  dryRun: boolean,
): { obj: KObj; created: boolean } {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const obj = checkTypeMeta(ts, ri.version, body);
  checkFields(ts.rt, ri.version, obj, ri.query, ri.warnings, "update");
  const meta = obj.metadata;
  if (meta.name !== undefined && meta.name !== ri.name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${ri.name})`);
  }
  meta.name = ri.name;
  bindNamespace(ts, meta, ri.namespace);
  const existing = ts.get(ri.namespace ?? "", ri.name!);
  if (!existing) {
    if (ts.rt.allowCreateOnUpdate && !ri.subresource) {
      ensureNamespace(state, meta.namespace, ri.resource, meta.name);
      return { obj: createPrepared(state, ts, ri.version, obj, dryRun, ri), created: true };
    }
    throw notFound(ri.group, ri.resource, ri.name!);
  }
  return { obj: updateExisting(state, ts, ri, obj, existing, dryRun), created: false };
}

function updateExisting(
  state: ClusterState,
  ts: TypeStore,
  ri: ReqInfo,
  obj: KObj,
  existing: KObj,
  dryRun: boolean,
): KObj {
  const meta = obj.metadata;
  const name = existing.metadata.name;
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== null && meta.resourceVersion !== "") {
    if (String(meta.resourceVersion) !== existing.metadata.resourceVersion) {
      throw conflict(ts.rt.group, ts.rt.resource, name, staleMessage);
    }
  } else if (!ts.rt.allowUnconditionalUpdate) {
    fail(ts, name, [
      { field: "metadata.resourceVersion", type: "Invalid", value: 0, detail: "must be specified for an update" },
    ]);
  }
  const current = state.toVersion(ts, existing, ri.version);
  let next: KObj;
  if (ri.subresource === "status") {
    if (!ts.rt.hasStatus) throw notFound(ri.group, `${ri.resource}/status`, name);
    next = { ...current, metadata: copy(current.metadata) };
    if (obj.status === undefined) delete next.status;
    else next.status = obj.status;
    if (meta.labels !== undefined) next.metadata.labels = meta.labels;
    if (meta.annotations !== undefined) next.metadata.annotations = meta.annotations;
  } else if (ri.subresource) {
    throw notFound(ri.group, `${ri.resource}/${ri.subresource}`, name);
  } else {
    next = obj;
    if (ts.rt.hasStatus) {
      if (current.status === undefined) delete next.status;
      else next.status = current.status;
    }
  }
  const nm = next.metadata;
  const om = current.metadata;
  nm.uid = om.uid;
  nm.creationTimestamp = om.creationTimestamp;
  // An update that leaves managedFields out keeps them (only an explicit value replaces them), as kube does.
  if (nm.managedFields === undefined && om.managedFields !== undefined) nm.managedFields = om.managedFields;
  nm.namespace = om.namespace;
  nm.name = om.name;
  if (nm.namespace === undefined) delete nm.namespace;
  if (om.deletionTimestamp) {
    nm.deletionTimestamp = om.deletionTimestamp;
    nm.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    const before = new Set(listFinalizers(current));
    const added = listFinalizers(next).filter((f) => !before.has(f));
    if (added.length) {
      // Go's %#v of the list; kube reports the cause twice (two validation passes), the message once.
      const err: FieldError = {
        field: "metadata.finalizers",
        type: "Forbidden",
        detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
      };
      fail(ts, name, [err, err]);
    }
  } else {
    delete nm.deletionTimestamp;
    delete nm.deletionGracePeriodSeconds;
  }
  if (om.generation !== undefined) nm.generation = om.generation;
  else delete nm.generation;
  delete nm.selfLink;
  if (typeKey(ts.rt.group, ts.rt.resource) === crdKey) {
    const fins = listFinalizers(next);
    if (ri.subresource !== "status" && !om.deletionTimestamp && !fins.includes(crdCleanupFinalizer)) {
      nm.finalizers = [...fins, crdCleanupFinalizer];
    }
  }
  const errs = prepare(ts, ri.version, next, current);
  if (errs.length) fail(ts, name, errs);
  // An explicitly empty managedFields list resets ownership; anything else is tracked on top of what it holds.
  const reset = Array.isArray(nm.managedFields) && nm.managedFields.length === 0;
  if (!reset && !ri.applied) {
    const skipStatus = ts.rt.hasStatus && !ri.subresource;
    recordUpdate(current, next, manager(ts, ri), skipStatus, validationSchema(ts.rt, ri.version));
  }
  if (Array.isArray(nm.managedFields) && nm.managedFields.length === 0) delete nm.managedFields;
  if (typeKey(ts.rt.group, ts.rt.resource) === crdKey && ri.subresource !== "status")
    next.status = crdStatus(next, current.status);
  const stored = state.toStorage(ts, next);
  stored.metadata.resourceVersion = existing.metadata.resourceVersion;
  if (deepEqual(stored, existing)) return current;
  if (ts.rt.generation && specChanged(ts, existing, stored)) {
    stored.metadata.generation = (existing.metadata.generation ?? 0) + 1;
  }
  if (dryRun) return state.toVersion(ts, stored, ri.version);
  return state.toVersion(ts, state.replace(ts, existing, stored), ri.version);
}

function specChanged(ts: TypeStore, a: KObj, b: KObj): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === "metadata" || k === "apiVersion" || k === "kind" || (k === "status" && ts.rt.hasStatus)) continue;
    if (!deepEqual(a[k], b[k])) return true;
  }
  return false;
}

export function patch(
  state: ClusterState,
  ri: ReqInfo,
  contentType: string,
  body: unknown,
  dryRun: boolean,
): { obj: KObj; created: boolean } {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const existing = ts.get(ri.namespace ?? "", ri.name!);
  const kind = contentType.split(";")[0]!.trim();
  const applying = kind === "application/apply-patch+yaml";
  if (applying) requireApplyManager(ri.query);
  const force = ri.query.get("force") === "true";
  if (!existing) {
    if (applying && !ri.subresource) {
      const obj = checkTypeMeta(ts, ri.version, body);
      checkFields(ts.rt, ri.version, obj, ri.query, ri.warnings, "apply");
      recordApply(
        undefined,
        copy(obj),
        obj,
        manager(ts, ri),
        force,
        ts.rt.hasStatus,
        validationSchema(ts.rt, ri.version),
      );
      ri.applied = true;
      // kube's order: the namespace check, then the name check.
      bindNamespace(ts, obj.metadata, ri.namespace);
      if (obj.metadata.name !== undefined && obj.metadata.name !== ri.name) {
        throw badRequest(
          `the name of the object (${obj.metadata.name}) does not match the name on the URL (${ri.name})`,
        );
      }
      obj.metadata.name = ri.name;
      if (ts.rt.namespaced) ensureNamespace(state, ri.namespace, ri.resource, ri.name!);
      return { obj: createPrepared(state, ts, ri.version, obj, dryRun, ri), created: true };
    }
    throw notFound(ri.group, ri.resource, ri.name!);
  }
  let next: unknown = copy(state.toVersion(ts, existing, ri.version));
  switch (kind) {
    case "application/merge-patch+json":
      next = mergePatch(next, body);
      break;
    case "application/json-patch+json":
      next = jsonPatch(next, body);
      break;
    case "application/strategic-merge-patch+json":
      if (ts.rt.custom) {
        throw new ApiError(
          415,
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
          "UnsupportedMediaType",
        );
      }
      next = strategicMergePatch(next, body);
      break;
    case "application/apply-patch+yaml":
      if (!isObject(body)) throw badRequest("apply patches must be objects");
      {
        // Unknown fields are refused (Strict) or dropped before ownership is worked out, as kube types the patch first.
        checkFields(ts.rt, ri.version, body, ri.query, ri.warnings, "apply");
        const live = copy(next as KObj);
        const schema = validationSchema(ts.rt, ri.version);
        next = applyMerge(next, body, schema);
        const skipStatus = ts.rt.hasStatus && !ri.subresource;
        recordApply(live, copy(body), next as KObj, manager(ts, ri), force, skipStatus, schema);
        ri.applied = true;
      }
      break;
    default:
      throw new ApiError(
        415,
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        "UnsupportedMediaType",
      );
  }
  if (!isObject(next)) throw badRequest("the patch produced a document that is not an object");
  if (!isObject(next.metadata)) next.metadata = {};
  checkFields(
    ts.rt,
    ri.version,
    next,
    ri.query,
    ri.warnings,
    kind === "application/apply-patch+yaml" ? "apply" : "patch",
  );
  const m = next.metadata as KObj;
  if (m.resourceVersion === undefined || m.resourceVersion === null)
    m.resourceVersion = existing.metadata.resourceVersion;
  bindNamespace(ts, m, ri.namespace);
  if (m.name !== existing.metadata.name) throw badRequest("metadata.name cannot be changed by a patch");
  return { obj: updateExisting(state, ts, ri, next, existing, dryRun), created: false };
}

function manager(ts: TypeStore, ri: ReqInfo): Manager {
  const m: Manager = { manager: managerOf(ri.query, ri.userAgent), apiVersion: apiVersionOf(ts.rt.group, ri.version) };
  if (ri.subresource) m.subresource = ri.subresource;
  return m;
}
