/**
 * The resource engine: storage, verbs and the semantics kube-apiserver (and the controllers every cluster runs:
 * garbage collector, namespace lifecycle, CRD cleanup, service-account defaults) give them. HTTP lives elsewhere.
 */
import { randomUUID } from "node:crypto";
import { builtinTypes } from "./builtins.js";
import { crdStatus, typeFromCRD, validateCRD } from "./crd.js";
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  type FieldError,
  invalidFields,
  notFound,
  staleMessage,
} from "./errors.js";
import { prepareConfigMap, prepareSecret, validateMeta, validateName } from "./kinds.js";
import { type Manager, managerOf, recordApply, recordUpdate, requireApplyManager } from "./managed-fields.js";
import { checkFields } from "./openapi.js";
import { OwnerIndex, type Ref } from "./owners.js";
import { applyMerge, jsonPatch, mergePatch, strategicMergePatch } from "./patch.js";
import { applyDefaults, validate } from "./schema.js";
import { fieldMatcher, labelMatcher, type Matcher, pinnedField, selectableFields } from "./selectors.js";
import { deliver, type EventType, type StoredEvent, TypeStore, type Watcher } from "./store.js";
import type { TokenIssuer } from "./tokens.js";
import { apiVersionOf, type KObj, type ResourceType, typeKey } from "./types.js";
import { copy, deepEqual, isObject, now } from "./util.js";

export type Converter = (obj: any, toVersion: string) => any;

export interface ReqInfo {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  query: URLSearchParams;
  /** Filled by writes with warnings for the client (Warning headers), e.g. unknown fields under fieldValidation=Warn. */
  warnings?: string[];
  /** The request's User-Agent: names the field manager of a write without ?fieldManager. */
  userAgent?: string;
  /** Set once a server-side apply has recorded its field ownership. */
  applied?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export type Propagation = "Background" | "Foreground" | "Orphan";

const nsKey = typeKey("", "namespaces");
const crdKey = typeKey("apiextensions.k8s.io", "customresourcedefinitions");
const saKey = typeKey("", "serviceaccounts");
const crdCleanup = "customresourcecleanup.apiextensions.k8s.io";
const foregroundFinalizer = "foregroundDeletion";
const nameChars = "bcdfghjklmnpqrstvwxz2456789";

export const initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

function listFinalizers(obj: KObj): string[] {
  return Array.isArray(obj.metadata?.finalizers) ? obj.metadata.finalizers : [];
}

export class Engine {
  rv = 0;
  readonly types = new Map<string, TypeStore>();
  readonly owners = new OwnerIndex();
  private readonly converters = new Map<string, Converter>();
  private queue: (() => void)[] = [];
  private flushing = false;
  /** Called after every stored change (persistence hooks in here). */
  onChange: () => void = () => {};

  constructor(
    readonly historyCap: number,
    readonly issuer: TokenIssuer,
  ) {
    for (const rt of builtinTypes()) this.register(rt);
  }

  // ---- registry ----

  register(rt: ResourceType): TypeStore {
    const k = typeKey(rt.group, rt.resource);
    const existing = this.types.get(k);
    if (existing) {
      existing.rt = rt;
      return existing;
    }
    const ts = new TypeStore(rt, this.historyCap, this.rv);
    this.types.set(k, ts);
    return ts;
  }

  private unregister(k: string): void {
    const ts = this.types.get(k);
    if (!ts) return;
    this.types.delete(k);
    for (const w of [...ts.watchers]) w.close?.();
    ts.watchers.clear();
  }

  setConverter(group: string, fn: Converter): void {
    this.converters.set(group, fn);
  }

  resolve(group: string, version: string, resource: string): TypeStore {
    const ts = this.types.get(typeKey(group, resource));
    if (!ts?.rt.versions.includes(version)) {
      const served = [...this.types.values()].some((t) => t.rt.group === group && t.rt.versions.includes(version));
      // kube's mux has no handler at all for a group-version nobody serves: a plain-text 404.
      if (!served) throw new ApiError(404, "404 page not found\n", "NotFound", { plainText: true });
      throw new ApiError(404, "the server could not find the requested resource", "NotFound", {});
    }
    return ts;
  }

  /** Objects at the requested version (conversion through the group's converter hook for custom resources). */
  toVersion(ts: TypeStore, obj: KObj, version: string): KObj {
    const av = apiVersionOf(ts.rt.group, version);
    if (obj.apiVersion === av) return obj;
    const fn = this.converters.get(ts.rt.group);
    const out = fn ? fn(copy(obj), version) : { ...obj };
    if (!isObject(out)) throw new ApiError(500, `conversion webhook for ${ts.rt.group} returned an invalid object`);
    out.apiVersion = av;
    if (!out.kind) out.kind = ts.rt.kind;
    return out;
  }

  private toStorage(ts: TypeStore, obj: KObj): KObj {
    return this.toVersion(ts, obj, ts.rt.storageVersion);
  }

  // ---- background work (GC, namespace and CRD finalization) ----

  private later(fn: () => void): void {
    this.queue.push(fn);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    let guard = 0;
    while (this.queue.length > 0 && guard++ < 100000) {
      const fn = this.queue.shift()!;
      try {
        fn();
      } catch {
        // Background controllers retry on the next relevant change, as kube's do.
      }
    }
    this.flushing = false;
  }

  // ---- low-level commits ----

  private nextRv(obj: KObj): KObj {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    return obj;
  }

  private commit(ts: TypeStore, type: EventType, obj: KObj, prev: KObj | undefined): void {
    const tk = typeKey(ts.rt.group, ts.rt.resource);
    const ns = obj.metadata.namespace ?? "";
    if (type === "DELETED") ts.remove(ns, obj.metadata.name);
    else ts.put(ns, obj.metadata.name, obj);
    this.owners.track(tk, prev, type === "DELETED" ? undefined : obj);
    ts.record({ type, rv: this.rv, obj, prev });
    this.afterCommit(ts, type, obj, prev);
    this.onChange();
  }

  private afterCommit(ts: TypeStore, type: EventType, obj: KObj, prev: KObj | undefined): void {
    const tk = typeKey(ts.rt.group, ts.rt.resource);
    if (tk === crdKey) {
      if (type === "DELETED") this.unregister(typeKey(obj.spec.group, obj.spec.names.plural));
      else this.register(typeFromCRD(obj));
      if (obj.metadata.deletionTimestamp) this.later(() => this.cleanupCRD(obj.metadata.name));
    }
    if (tk === nsKey && obj.metadata.deletionTimestamp && type !== "DELETED") {
      this.later(() => this.cleanupNamespace(obj.metadata.name));
    }
    if (tk === nsKey && type === "ADDED") this.later(() => this.ensureDefaultServiceAccount(obj.metadata.name));
    if (type === "DELETED") {
      const uid = obj.metadata.uid;
      if (this.owners.hasDependents(uid)) this.later(() => this.collectDependents(uid));
      for (const r of obj.metadata.ownerReferences ?? []) this.later(() => this.checkForegroundOwner(r.uid));
      const ns = obj.metadata.namespace;
      if (ns && this.namespaceTerminating(ns)) this.later(() => this.cleanupNamespace(ns));
      if (ts.rt.custom) {
        const crd = this.types.get(crdKey)!.get("", `${ts.rt.resource}.${ts.rt.group}`);
        if (crd?.metadata.deletionTimestamp) this.later(() => this.cleanupCRD(crd.metadata.name));
      }
    } else if (prev && obj.metadata.deletionTimestamp && listFinalizers(obj).includes(foregroundFinalizer)) {
      this.later(() => this.checkForegroundOwner(obj.metadata.uid));
    }
  }

  private namespaceTerminating(ns: string): boolean {
    return !!this.types.get(nsKey)!.get("", ns)?.metadata.deletionTimestamp;
  }

  /** Stores an updated object; removing the last finalizer of a deleting object deletes it. */
  private replace(ts: TypeStore, prev: KObj, next: KObj): KObj {
    if (next.metadata.deletionTimestamp && listFinalizers(next).length === 0 && !this.blocksDeletion(ts, next)) {
      // kube deletes the stored object: watchers see it as it was, finalizers included; the writer gets its update.
      const gone = this.remove(ts, prev, prev);
      return { ...next, metadata: { ...next.metadata, resourceVersion: gone.metadata.resourceVersion } };
    }
    this.nextRv(next);
    this.commit(ts, "MODIFIED", next, prev);
    return next;
  }

  private remove(ts: TypeStore, obj: KObj, prev: KObj): KObj {
    const gone = { ...obj, metadata: { ...obj.metadata } };
    this.nextRv(gone);
    this.commit(ts, "DELETED", gone, prev);
    return gone;
  }

  /** Namespaces are held by spec.finalizers until their content is gone. */
  private blocksDeletion(ts: TypeStore, obj: KObj): boolean {
    return ts === this.types.get(nsKey) && (obj.spec?.finalizers?.length ?? 0) > 0;
  }

  // ---- shared preparation ----

  private checkTypeMeta(ts: TypeStore, version: string, obj: unknown): KObj {
    if (!isObject(obj)) throw badRequest(`the body of the request was not a ${ts.rt.kind} object`);
    const av = apiVersionOf(ts.rt.group, version);
    if (obj.kind !== undefined && obj.kind !== ts.rt.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${ts.rt.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== av) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${av})`,
      );
    }
    obj.apiVersion = av;
    obj.kind = ts.rt.kind;
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (!isObject(obj.metadata)) throw badRequest("metadata must be an object");
    return obj;
  }

  /** Puts the object in the request's namespace; a different namespace in the body is kube's 400. */
  private bindNamespace(ts: TypeStore, meta: KObj, ns: string | undefined): void {
    if (!ts.rt.namespaced) {
      delete meta.namespace;
      return;
    }
    if (meta.namespace && meta.namespace !== ns) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta.namespace = ns;
  }

  private ensureNamespace(ns: string | undefined, verbResource: string, name: string): void {
    if (!ns) throw badRequest("a namespace is required for namespaced resources");
    const n = this.types.get(nsKey)!.get("", ns);
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
  private prepare(ts: TypeStore, version: string, obj: KObj, old: KObj | undefined): FieldError[] {
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

  private fail(ts: TypeStore, name: string, errs: FieldError[]): never {
    throw invalidFields(ts.rt.group, ts.rt.kind, name, errs);
  }

  // ---- verbs ----

  get(ri: ReqInfo): KObj {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const obj = ts.get(ri.namespace ?? "", ri.name!);
    if (!obj) throw notFound(ri.group, ri.resource, ri.name!);
    if (ri.subresource && ri.subresource !== "status")
      throw notFound(ri.group, `${ri.resource}/${ri.subresource}`, ri.name!);
    return this.toVersion(ts, obj, ri.version);
  }

  /** A serialized List document (items are serialized straight from storage, never copied). */
  list(ri: ReqInfo): string {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const { items, rv, cont, remaining } = this.select(ts, ri);
    const meta: KObj = { resourceVersion: String(rv) };
    if (cont) meta.continue = cont;
    // kube's list conversion of custom resources to a non-storage version writes an empty continue explicitly.
    else if (ts.rt.custom && ri.version !== ts.rt.storageVersion) meta.continue = "";
    if (remaining !== undefined) meta.remainingItemCount = remaining;
    // Built-in kinds' list items carry no apiVersion/kind (kube's typed lists leave them out); custom ones do.
    const parts = items.map((o) => {
      const v = this.toVersion(ts, o, ri.version);
      if (ts.rt.custom) return JSON.stringify(v);
      const { apiVersion: _a, kind: _k, ...rest } = v;
      return JSON.stringify(rest);
    });
    const head = JSON.stringify({
      kind: ts.rt.listKind,
      apiVersion: apiVersionOf(ri.group, ri.version),
      metadata: meta,
    });
    return `${head.slice(0, -1)},"items":[${parts.join(",")}]}`;
  }

  /** Matched objects for a list, honouring selectors and limit/continue paging. */
  select(ts: TypeStore, ri: ReqInfo): { items: KObj[]; rv: number; cont?: string; remaining?: number } {
    const q = ri.query;
    const labels = labelMatcher(q.get("labelSelector"));
    const fieldSel = q.get("fieldSelector");
    const fields = fieldMatcher(fieldSel, selectableFields(ts.rt));
    let ns = ri.namespace;
    const pinnedNs = pinnedField(fieldSel, "metadata.namespace");
    if (ns === undefined && pinnedNs !== undefined && ts.rt.namespaced) ns = pinnedNs;
    const pinnedName = pinnedField(fieldSel, "metadata.name");
    let candidates: KObj[];
    if (pinnedName !== undefined && ns !== undefined) {
      const o = ts.get(ts.rt.namespaced ? ns : "", pinnedName);
      candidates = o ? [o] : [];
    } else candidates = ts.list(ts.rt.namespaced ? ns : undefined);
    let rv = this.rv;
    let after: { ns: string; name: string } | undefined;
    const contToken = q.get("continue");
    if (contToken) {
      try {
        const t = JSON.parse(Buffer.from(contToken, "base64url").toString("utf8"));
        rv = t.rv;
        after = { ns: t.ns, name: t.name };
      } catch {
        throw badRequest("invalid continue token: continue key is not valid");
      }
      if (typeof rv !== "number" || typeof after.name !== "string") throw badRequest("continue key is not valid");
    }
    const limit = Number(q.get("limit") ?? 0);
    const items: KObj[] = [];
    let cont: string | undefined;
    let remaining: number | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const o = candidates[i];
      if (after) {
        const ons = o.metadata.namespace ?? "";
        if (ons < after.ns || (ons === after.ns && o.metadata.name <= after.name)) continue;
      }
      if (labels && !labels(o)) continue;
      if (fields && !fields(o)) continue;
      if (limit > 0 && items.length === limit) {
        const last = items[items.length - 1];
        cont = Buffer.from(
          JSON.stringify({ rv, ns: last.metadata.namespace ?? "", name: last.metadata.name }),
        ).toString("base64url");
        if (!labels && !fields) remaining = candidates.length - i;
        break;
      }
      items.push(o);
    }
    return { items, rv, cont, remaining };
  }

  create(ri: ReqInfo, body: unknown, dryRun = false): KObj {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    if (ri.subresource) {
      if (ri.resource === "serviceaccounts" && ri.subresource === "token") return this.tokenRequest(ri, body);
      throw new ApiError(405, `the server does not allow this method on the requested resource`, "MethodNotAllowed");
    }
    const obj = this.checkTypeMeta(ts, ri.version, body);
    checkFields(ts.rt, ri.version, obj, ri.query, ri.warnings, "create");
    const meta = obj.metadata;
    this.bindNamespace(ts, meta, ri.namespace);
    if (!meta.name) {
      if (meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
      else
        this.fail(ts, "", [{ field: "metadata.name", type: "Required", detail: "name or generateName is required" }]);
    }
    if (ts.rt.namespaced) this.ensureNamespace(meta.namespace, ri.resource, meta.name);
    return this.createPrepared(ts, ri.version, obj, dryRun, ri);
  }

  /** `ri` is the request being served; objects the server makes itself (bootstrap) have no managers. */
  private createPrepared(ts: TypeStore, version: string, obj: KObj, dryRun: boolean, ri?: ReqInfo): KObj {
    const meta = obj.metadata;
    if (ts.rt.hasStatus && ts.rt.custom) delete obj.status;
    const errs = this.prepare(ts, version, obj, undefined);
    if (errs.length) this.fail(ts, meta.name, errs);
    if (ri && !ri.applied) recordUpdate(undefined, obj, manager(ts, ri), ts.rt.hasStatus);
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
      meta.finalizers = [...new Set([...listFinalizers(obj), crdCleanup])];
      obj.status = crdStatus(obj);
    }
    const stored = this.toStorage(ts, obj);
    if (dryRun) return this.toVersion(ts, stored, version);
    this.nextRv(stored);
    this.commit(ts, "ADDED", stored, undefined);
    return this.toVersion(ts, stored, version);
  }

  update(ri: ReqInfo, body: unknown, dryRun = false): { obj: KObj; created: boolean } {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const obj = this.checkTypeMeta(ts, ri.version, body);
    checkFields(ts.rt, ri.version, obj, ri.query, ri.warnings, "update");
    const meta = obj.metadata;
    if (meta.name !== undefined && meta.name !== ri.name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${ri.name})`);
    }
    meta.name = ri.name;
    this.bindNamespace(ts, meta, ri.namespace);
    const existing = ts.get(ri.namespace ?? "", ri.name!);
    if (!existing) {
      if (ts.rt.allowCreateOnUpdate && !ri.subresource) {
        this.ensureNamespace(meta.namespace, ri.resource, meta.name);
        return { obj: this.createPrepared(ts, ri.version, obj, dryRun, ri), created: true };
      }
      throw notFound(ri.group, ri.resource, ri.name!);
    }
    return { obj: this.updateExisting(ts, ri, obj, existing, dryRun), created: false };
  }

  private updateExisting(ts: TypeStore, ri: ReqInfo, obj: KObj, existing: KObj, dryRun: boolean): KObj {
    const meta = obj.metadata;
    const name = existing.metadata.name;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== null && meta.resourceVersion !== "") {
      if (String(meta.resourceVersion) !== existing.metadata.resourceVersion) {
        throw conflict(ts.rt.group, ts.rt.resource, name, staleMessage);
      }
    } else if (!ts.rt.allowUnconditionalUpdate) {
      this.fail(ts, name, [
        { field: "metadata.resourceVersion", type: "Invalid", value: 0, detail: "must be specified for an update" },
      ]);
    }
    const current = this.toVersion(ts, existing, ri.version);
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
        this.fail(ts, name, [err, err]);
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
      if (ri.subresource !== "status" && !om.deletionTimestamp && !fins.includes(crdCleanup)) {
        nm.finalizers = [...fins, crdCleanup];
      }
    }
    const errs = this.prepare(ts, ri.version, next, current);
    if (errs.length) this.fail(ts, name, errs);
    // An explicitly empty managedFields list resets ownership; anything else is tracked on top of what it holds.
    const reset = Array.isArray(nm.managedFields) && nm.managedFields.length === 0;
    if (!reset && !ri.applied) recordUpdate(current, next, manager(ts, ri), ts.rt.hasStatus && !ri.subresource);
    if (Array.isArray(nm.managedFields) && nm.managedFields.length === 0) delete nm.managedFields;
    if (typeKey(ts.rt.group, ts.rt.resource) === crdKey && ri.subresource !== "status")
      next.status = crdStatus(next, current.status);
    const stored = this.toStorage(ts, next);
    stored.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (deepEqual(stored, existing)) return current;
    if (ts.rt.generation && this.specChanged(ts, existing, stored)) {
      stored.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    if (dryRun) return this.toVersion(ts, stored, ri.version);
    return this.toVersion(ts, this.replace(ts, existing, stored), ri.version);
  }

  private specChanged(ts: TypeStore, a: KObj, b: KObj): boolean {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (k === "metadata" || k === "apiVersion" || k === "kind" || (k === "status" && ts.rt.hasStatus)) continue;
      if (!deepEqual(a[k], b[k])) return true;
    }
    return false;
  }

  patch(ri: ReqInfo, contentType: string, body: unknown, dryRun = false): { obj: KObj; created: boolean } {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const existing = ts.get(ri.namespace ?? "", ri.name!);
    const kind = contentType.split(";")[0].trim();
    const applying = kind === "application/apply-patch+yaml";
    if (applying) requireApplyManager(ri.query);
    const force = ri.query.get("force") === "true";
    if (!existing) {
      if (applying && !ri.subresource) {
        const obj = this.checkTypeMeta(ts, ri.version, body);
        checkFields(ts.rt, ri.version, obj, ri.query, ri.warnings, "apply");
        recordApply(undefined, copy(obj), obj, manager(ts, ri), force, ts.rt.hasStatus);
        ri.applied = true;
        // kube's order: the namespace check, then the name check.
        this.bindNamespace(ts, obj.metadata, ri.namespace);
        if (obj.metadata.name !== undefined && obj.metadata.name !== ri.name) {
          throw badRequest(
            `the name of the object (${obj.metadata.name}) does not match the name on the URL (${ri.name})`,
          );
        }
        obj.metadata.name = ri.name;
        if (ts.rt.namespaced) this.ensureNamespace(ri.namespace, ri.resource, ri.name!);
        return { obj: this.createPrepared(ts, ri.version, obj, dryRun, ri), created: true };
      }
      throw notFound(ri.group, ri.resource, ri.name!);
    }
    let next: unknown = copy(this.toVersion(ts, existing, ri.version));
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
          next = applyMerge(next, body);
          const skipStatus = ts.rt.hasStatus && !ri.subresource;
          recordApply(live, copy(body), next as KObj, manager(ts, ri), force, skipStatus);
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
    this.bindNamespace(ts, m, ri.namespace);
    if (m.name !== existing.metadata.name) throw badRequest("metadata.name cannot be changed by a patch");
    return { obj: this.updateExisting(ts, ri, next, existing, dryRun), created: false };
  }

  delete(ri: ReqInfo, opts: DeleteOptions, dryRun = false): { obj: KObj; code: number } {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const existing = ts.get(ri.namespace ?? "", ri.name!);
    if (!existing) throw notFound(ri.group, ri.resource, ri.name!);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(
        ts.rt.group,
        ts.rt.kind,
        ri.name!,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${existing.metadata.uid}). The object might have been deleted and then recreated`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        ts.rt.group,
        ts.rt.kind,
        ri.name!,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${existing.metadata.resourceVersion}). The object might have been modified`,
      );
    }
    const policy = (opts.propagationPolicy ?? (opts.orphanDependents ? "Orphan" : "Background")) as Propagation;
    if (!["Background", "Foreground", "Orphan"].includes(policy)) {
      this.fail(ts, ri.name!, [
        {
          field: "propagationPolicy",
          type: "NotSupported",
          value: policy,
          detail: 'supported values: "Foreground", "Background", "Orphan"',
        },
      ]);
    }
    if (dryRun) return { obj: this.toVersion(ts, existing, ri.version), code: 200 };
    const out = this.deleteObject(ts, existing, policy);
    // As kube: 202 only for a deferred deletion that asked for orphanDependents=false; otherwise 200.
    const deferred = Boolean(out.metadata.deletionTimestamp && ts.get(out.metadata.namespace ?? "", out.metadata.name));
    if (!deferred) {
      // Gone at once: kube answers with a Success Status naming what went, not the object.
      const details: KObj = { name: out.metadata.name, kind: ri.resource, uid: out.metadata.uid };
      if (ri.group) details.group = ri.group;
      return { obj: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details }, code: 200 };
    }
    return { obj: this.toVersion(ts, out, ri.version), code: opts.orphanDependents === false ? 202 : 200 };
  }

  /** Deletes now, or marks for deletion when finalizers (or foreground dependents) hold the object. */
  deleteObject(ts: TypeStore, existing: KObj, policy: Propagation): KObj {
    const uid = existing.metadata.uid;
    if (policy === "Orphan") this.orphanDependents(uid);
    let finalizers = listFinalizers(existing);
    if (policy === "Foreground" && this.owners.hasDependents(uid) && !finalizers.includes(foregroundFinalizer)) {
      finalizers = [...finalizers, foregroundFinalizer];
    }
    const held = finalizers.length > 0 || this.blocksDeletion(ts, existing);
    if (!held) return this.remove(ts, existing, existing);
    if (existing.metadata.deletionTimestamp && finalizers === listFinalizers(existing)) return existing;
    const next: KObj = { ...existing, metadata: { ...existing.metadata, finalizers } };
    if (!next.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = now();
      next.metadata.deletionGracePeriodSeconds = 0;
    }
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    if (ts === this.types.get(nsKey)) next.status = { ...(next.status ?? {}), phase: "Terminating" };
    this.nextRv(next);
    this.commit(ts, "MODIFIED", next, existing);
    if (policy === "Foreground")
      for (const d of this.owners.dependents(uid)) this.later(() => this.deleteRef(d, "Foreground"));
    return next;
  }

  deleteCollection(ri: ReqInfo, opts: DeleteOptions, dryRun = false): string {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const { items } = this.select(ts, { ...ri, query: withoutPaging(ri.query) });
    const policy = (opts.propagationPolicy ?? (opts.orphanDependents ? "Orphan" : "Background")) as Propagation;
    const out: string[] = [];
    for (const o of items) {
      const r = dryRun ? o : this.deleteObject(ts, o, policy);
      out.push(JSON.stringify(this.toVersion(ts, r, ri.version)));
    }
    const head = JSON.stringify({
      kind: ts.rt.listKind,
      apiVersion: apiVersionOf(ri.group, ri.version),
      metadata: { resourceVersion: String(this.rv) },
    });
    return `${head.slice(0, -1)},"items":[${out.join(",")}]}`;
  }

  // ---- garbage collection and lifecycle controllers ----

  private lookupRef(r: Ref): { ts: TypeStore; obj: KObj } | undefined {
    const ts = this.types.get(r.tk);
    const obj = ts?.get(r.ns, r.name);
    return ts && obj ? { ts, obj } : undefined;
  }

  private deleteRef(r: Ref, policy: Propagation): void {
    const found = this.lookupRef(r);
    if (found) this.deleteObject(found.ts, found.obj, policy);
  }

  private orphanDependents(uid: string): void {
    for (const r of this.owners.dependents(uid)) {
      const found = this.lookupRef(r);
      if (!found) continue;
      const refs = (found.obj.metadata.ownerReferences ?? []).filter((o: KObj) => o.uid !== uid);
      const next: KObj = { ...found.obj, metadata: { ...found.obj.metadata, ownerReferences: refs } };
      if (refs.length === 0) delete next.metadata.ownerReferences;
      this.replace(found.ts, found.obj, next);
    }
  }

  /** An owner is gone: delete dependents that have no live owner left, drop the dangling reference from the rest. */
  private collectDependents(uid: string): void {
    for (const r of this.owners.dependents(uid)) {
      const found = this.lookupRef(r);
      if (!found) continue;
      const refs: KObj[] = found.obj.metadata.ownerReferences ?? [];
      const live = refs.filter((o) => o.uid !== uid && this.owners.uids.has(o.uid));
      if (live.length === 0) {
        if (!found.obj.metadata.deletionTimestamp) this.deleteObject(found.ts, found.obj, "Background");
      } else {
        const next: KObj = { ...found.obj, metadata: { ...found.obj.metadata, ownerReferences: live } };
        this.replace(found.ts, found.obj, next);
      }
    }
  }

  private checkForegroundOwner(uid: string): void {
    const ref = this.owners.uids.get(uid);
    if (!ref) return;
    const found = this.lookupRef(ref);
    if (!found?.obj.metadata.deletionTimestamp) return;
    const fins = listFinalizers(found.obj);
    if (!fins.includes(foregroundFinalizer) || this.owners.hasDependents(uid)) return;
    const next: KObj = {
      ...found.obj,
      metadata: { ...found.obj.metadata, finalizers: fins.filter((f) => f !== foregroundFinalizer) },
    };
    this.replace(found.ts, found.obj, next);
  }

  private cleanupNamespace(ns: string): void {
    const nsStore = this.types.get(nsKey)!;
    const n = nsStore.get("", ns);
    if (!n?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const ts of this.types.values()) {
      if (!ts.rt.namespaced) continue;
      for (const o of ts.list(ns)) {
        remaining++;
        if (!o.metadata.deletionTimestamp) this.deleteObject(ts, o, "Background");
      }
    }
    for (const ts of this.types.values()) {
      if (ts.rt.namespaced && ts.byNs.has(ns)) return;
    }
    if (remaining >= 0) {
      const cur = nsStore.get("", ns)!;
      const next: KObj = { ...cur, spec: { ...(cur.spec ?? {}), finalizers: [] } };
      this.replace(nsStore, cur, next);
    }
  }

  private cleanupCRD(name: string): void {
    const crds = this.types.get(crdKey)!;
    const crd = crds.get("", name);
    if (!crd?.metadata.deletionTimestamp) return;
    const ts = this.types.get(typeKey(crd.spec.group, crd.spec.names.plural));
    if (ts) {
      for (const o of [...ts.all()]) if (!o.metadata.deletionTimestamp) this.deleteObject(ts, o, "Background");
      if (ts.size > 0) return;
    }
    const fins = listFinalizers(crd);
    if (!fins.includes(crdCleanup)) return;
    const next: KObj = { ...crd, metadata: { ...crd.metadata, finalizers: fins.filter((f) => f !== crdCleanup) } };
    this.replace(crds, crd, next);
  }

  private ensureDefaultServiceAccount(ns: string): void {
    const n = this.types.get(nsKey)!.get("", ns);
    const sas = this.types.get(saKey)!;
    if (!n || n.metadata.deletionTimestamp || sas.get(ns, "default")) return;
    this.createPrepared(
      sas,
      "v1",
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } },
      false,
    );
  }

  /** Creates the namespaces every cluster starts with (idempotent). */
  bootstrap(): void {
    const nsStore = this.types.get(nsKey)!;
    for (const name of initialNamespaces) {
      if (!nsStore.get("", name)) {
        this.createPrepared(nsStore, "v1", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, false);
      }
    }
  }

  // ---- serviceaccounts/token ----

  private tokenRequest(ri: ReqInfo, body: unknown): KObj {
    const sa = this.types.get(saKey)!.get(ri.namespace ?? "", ri.name!);
    if (!sa) throw notFound("", "serviceaccounts", ri.name!);
    const req = isObject(body) ? body : {};
    const spec: KObj = isObject(req.spec) ? { ...req.spec } : {};
    const audiences: string[] =
      Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : [this.issuer.issuer];
    const expirationSeconds = spec.expirationSeconds ?? 3600;
    if (typeof expirationSeconds !== "number" || expirationSeconds < 600) {
      throw invalidFields("authentication.k8s.io", "TokenRequest", ri.name!, [
        {
          field: "spec.expirationSeconds",
          type: "Invalid",
          value: expirationSeconds,
          detail: "may not specify a duration less than 10 minutes",
        },
      ]);
    }
    if (expirationSeconds > 2 ** 32) {
      throw invalidFields("authentication.k8s.io", "TokenRequest", ri.name!, [
        {
          field: "spec.expirationSeconds",
          type: "TooLong",
          detail: "may not specify a duration larger than 2^32 seconds",
        },
      ]);
    }
    const bound = isObject(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
    const { token, expiresAt } = this.issuer.sign({
      namespace: ri.namespace!,
      name: ri.name!,
      uid: sa.metadata.uid,
      audiences,
      expirationSeconds,
      boundObject: bound
        ? { kind: String(bound.kind), name: String(bound.name), uid: String(bound.uid ?? "") }
        : undefined,
    });
    return {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name: ri.name, namespace: ri.namespace, creationTimestamp: null },
      spec: { ...spec, audiences, expirationSeconds, boundObjectRef: bound ?? null },
      status: { token, expirationTimestamp: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z") },
    };
  }

  // ---- watch ----

  /**
   * Opens a watch. `send` receives serialized events (one JSON document per call); `end` closes the stream.
   * Returns a function that detaches the watcher.
   */
  watch(ri: ReqInfo, send: (line: string) => void, end: () => void, render?: (obj: KObj) => unknown): () => void {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    const q = ri.query;
    const labels = labelMatcher(q.get("labelSelector"));
    const fieldSel = q.get("fieldSelector");
    const fields = fieldMatcher(fieldSel, selectableFields(ts.rt));
    const match: Matcher | undefined = labels && fields ? (o) => labels(o) && fields(o) : (labels ?? fields);
    const ns = ts.rt.namespaced ? ri.namespace : undefined;
    const version = ri.version;
    const encode = (type: string, ev: StoredEvent): string => {
      if (render) return `{"type":"${type}","object":${JSON.stringify(render(this.toVersion(ts, ev.obj, version)))}}\n`;
      if (type === ev.type && ev.json?.has(version)) return ev.json.get(version)!;
      const line = `{"type":"${type}","object":${JSON.stringify(this.toVersion(ts, ev.obj, version))}}\n`;
      if (type === ev.type) {
        if (!ev.json) ev.json = new Map();
        ev.json.set(version, line);
      }
      return line;
    };
    const rvParam = q.get("resourceVersion");
    const sendInitial = q.get("sendInitialEvents") === "true";
    const backlog: string[] = [];
    if (!rvParam || rvParam === "0" || sendInitial) {
      for (const o of ts.list(ns)) {
        if (match && !match(o)) continue;
        backlog.push(encode("ADDED", { type: "ADDED", rv: 0, obj: o }));
      }
      if (sendInitial) {
        backlog.push(
          JSON.stringify({
            type: "BOOKMARK",
            object: {
              kind: ts.rt.kind,
              apiVersion: apiVersionOf(ri.group, version),
              metadata: { resourceVersion: String(this.rv), annotations: { "k8s.io/initial-events-end": "true" } },
            },
          }) + "\n",
        );
      }
    } else {
      const from = Number(rvParam);
      if (!Number.isFinite(from)) throw badRequest(`invalid resource version "${rvParam}"`);
      const events = ts.since(from);
      if (!events) {
        send(
          JSON.stringify({
            type: "ERROR",
            object: new ApiError(410, `too old resource version: ${from} (${ts.compactedRv})`, "Expired").toStatus(),
          }) + "\n",
        );
        end();
        return () => {};
      }
      const collect: Watcher = {
        send: (type, ev) => backlog.push(encode(type, ev)),
        match,
      };
      for (const ev of events) {
        if (ns !== undefined && (ev.obj.metadata?.namespace ?? "") !== ns) continue;
        deliver(collect, ev);
      }
    }
    for (const line of backlog) send(line);
    const w: Watcher = {
      namespace: ns,
      match,
      send: (type, ev) => send(encode(type, ev)),
      close: end,
    };
    ts.watchers.add(w);
    const bookmarks = q.get("allowWatchBookmarks") === "true";
    const timer = bookmarks
      ? setInterval(() => {
          send(
            JSON.stringify({
              type: "BOOKMARK",
              object: {
                kind: ts.rt.kind,
                apiVersion: apiVersionOf(ri.group, version),
                metadata: { resourceVersion: String(this.rv) },
              },
            }) + "\n",
          );
        }, 10_000)
      : undefined;
    timer?.unref();
    return () => {
      if (timer) clearInterval(timer);
      ts.watchers.delete(w);
    };
  }

  currentBookmark(ri: ReqInfo): string {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    return (
      JSON.stringify({
        type: "BOOKMARK",
        object: {
          kind: ts.rt.kind,
          apiVersion: apiVersionOf(ri.group, ri.version),
          metadata: { resourceVersion: String(this.rv) },
        },
      }) + "\n"
    );
  }

  // ---- persistence ----

  snapshot(): { rv: number; objects: KObj[] } {
    const objects: KObj[] = [];
    const crds = this.types.get(crdKey)!;
    // CRDs first so their types exist when the rest is loaded.
    for (const o of crds.all()) objects.push(o);
    for (const ts of this.types.values()) {
      if (ts === crds) continue;
      for (const o of ts.all()) objects.push(o);
    }
    return { rv: this.rv, objects };
  }

  load(state: { rv: number; objects: KObj[] }): void {
    for (const o of state.objects) {
      const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
      let ts: TypeStore | undefined;
      for (const t of this.types.values()) {
        if (t.rt.group === group && t.rt.kind === o.kind && t.rt.versions.includes(version)) ts = t;
      }
      if (!ts) continue;
      ts.put(o.metadata.namespace ?? "", o.metadata.name, o);
      this.owners.track(typeKey(ts.rt.group, ts.rt.resource), undefined, o);
      if (ts === this.types.get(crdKey)) this.register(typeFromCRD(o));
    }
    this.rv = Math.max(this.rv, state.rv);
    for (const ts of this.types.values()) ts.resetHistory(this.rv);
  }
}

/** Go's omitempty on typed fields: an empty map or list is not stored. */
function dropEmpty(o: KObj, keys: string[]): void {
  for (const k of keys) {
    const v = o[k];
    if ((Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)) delete o[k];
  }
}

function manager(ts: TypeStore, ri: ReqInfo): Manager {
  const m: Manager = { manager: managerOf(ri.query, ri.userAgent), apiVersion: apiVersionOf(ts.rt.group, ri.version) };
  if (ri.subresource) m.subresource = ri.subresource;
  return m;
}

function withoutPaging(q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(q);
  out.delete("limit");
  out.delete("continue");
  return out;
}
