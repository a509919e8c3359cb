/**
 * Field ownership (metadata.managedFields) as kube-apiserver's server-side apply keeps it: every write records which
 * fields its manager set, an apply that would change a field another manager owns is refused with kube's conflict
 * error unless forced, and an apply that stops naming a field it alone owned removes that field.
 *
 * Paths are lists of FieldsV1 segments: "f:<key>" for a map key, "k:{...}" for an element of a keyed list
 * (ownerReferences by uid), "v:<json>" for an element of a set (finalizers). Every other list is atomic: owned and
 * compared as a whole, as kube treats the lists of a CRD schema without list-type markers; so is a map or struct
 * whose schema says `x-kubernetes-map-type: atomic` (its entry owns the field itself, never its members).
 */
import { isAtomicMap, memberSchema } from "./atomic-fields.js";
import { ApiError, invalid } from "./errors.js";
import type { Schema } from "./openapi-schema-builders.js";
import type { KObj } from "./types.js";
import { deepEqual, isObject, now } from "./util.js";

type Path = string[];

export interface Manager {
  manager: string;
  apiVersion: string;
  subresource?: string;
}

interface Entry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: KObj;
  subresource?: string;
}

/** Metadata fields a manager can own; the rest (name, uid, resourceVersion, ...) belong to the server. */
const ownedMeta = new Set(["labels", "annotations", "ownerReferences", "finalizers", "generateName"]);

/** The manager named by a write: ?fieldManager, else the User-Agent up to its first "/", as kube derives it. */
export function managerOf(query: URLSearchParams, userAgent: string | undefined): string {
  const explicit = query.get("fieldManager");
  if (explicit) return explicit;
  // kube drops non-printable characters.
  const prefix = (userAgent ?? "")
    .split("/")[0]!
    .replace(/[\x00-\x1f\x7f]/g, "")
    .slice(0, 128);
  return prefix || "unknown";
}

/** kube's check: an apply must name its manager. */
export function requireApplyManager(query: URLSearchParams): void {
  if (query.get("fieldManager")) return;
  throw invalid("meta.k8s.io", "PatchOptions", "", [
    { reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" },
  ]);
}

function key(p: Path): string {
  return JSON.stringify(p);
}

/**
 * Every owned path of `obj` (map nodes included when `withParents`), skipping server-owned fields. Maps the schema
 * marks atomic are leaves; their keys are added to `atomic` when given.
 */
function paths(
  obj: KObj,
  withParents: boolean,
  skipStatus: boolean,
  schema?: Schema,
  atomic?: Set<string>,
): Map<string, Path> {
  const out = new Map<string, Path>();
  const walk = (v: unknown, p: Path, top: boolean, s: Schema | undefined) => {
    if (isObject(v) && !top && isAtomicMap(s)) {
      out.set(key(p), p);
      atomic?.add(key(p));
      return;
    }
    if (isObject(v)) {
      if (!top && withParents) out.set(key(p), p);
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined) continue;
        if (top && (k === "apiVersion" || k === "kind" || (skipStatus && k === "status"))) continue;
        if (top && k === "metadata") {
          if (!isObject(child)) continue;
          for (const [mk, mv] of Object.entries(child)) {
            if (ownedMeta.has(mk) && mv !== undefined) walk(mv, ["f:metadata", `f:${mk}`], false, undefined);
          }
          continue;
        }
        walk(child, [...p, `f:${k}`], false, memberSchema(s, k));
      }
      return;
    }
    const last = p[p.length - 1];
    if (
      Array.isArray(v) &&
      p.length === 2 &&
      p[0] === "f:metadata" &&
      (last === "f:ownerReferences" || last === "f:finalizers")
    ) {
      if (withParents) out.set(key(p), p);
      for (const el of v) {
        const seg =
          last === "f:finalizers" ? `v:${JSON.stringify(el)}` : `k:${JSON.stringify({ uid: (el as KObj)?.uid })}`;
        // kube owns a keyed list's element as a whole.
        const ep = [...p, seg];
        out.set(key(ep), ep);
      }
      return;
    }
    out.set(key(p), p);
  };
  walk(obj, [], true, schema);
  return out;
}

/** The value at a path; undefined when absent. */
function at(obj: unknown, p: Path): unknown {
  let cur: unknown = obj;
  for (const seg of p) {
    if (seg.startsWith("f:")) {
      if (!isObject(cur)) return undefined;
      cur = cur[seg.slice(2)];
    } else if (seg.startsWith("k:")) {
      if (!Array.isArray(cur)) return undefined;
      const uid = JSON.parse(seg.slice(2)).uid;
      cur = cur.find((el) => isObject(el) && el.uid === uid);
    } else if (seg.startsWith("v:")) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(seg.slice(2));
      cur = cur.find((el) => deepEqual(el, want));
    } else return undefined;
  }
  return cur;
}

function removeAt(obj: KObj, p: Path): void {
  const parent = at(obj, p.slice(0, -1));
  const seg = p[p.length - 1] ?? "";
  if (seg.startsWith("f:") && isObject(parent)) delete parent[seg.slice(2)];
  else if (Array.isArray(parent)) {
    const el = at(obj, p);
    const i = parent.indexOf(el);
    if (i >= 0) parent.splice(i, 1);
  }
}

function toFieldsV1(set: Map<string, Path>): KObj {
  const root: KObj = {};
  const sorted = [...set.values()].sort((a, b) => a.length - b.length);
  for (const p of sorted) {
    let node = root;
    for (let i = 0; i < p.length; i++) {
      const seg = p[i]!;
      if (!node[seg]) node[seg] = {};
      node = node[seg];
      if (i === p.length - 1 && Object.keys(node).length > 0) node["."] = {};
    }
    // A path that gained children after it was added is marked below.
  }
  const mark = (node: KObj, p: Path) => {
    for (const [seg, child] of Object.entries(node)) {
      if (seg === ".") continue;
      const cp = [...p, seg];
      if (Object.keys(child).length > 0 && set.has(key(cp)) && !child["."]) child["."] = {};
      mark(child, cp);
    }
  };
  mark(root, []);
  return sortTree(root);
}

/** "." first, then the members in byte order, as kube serializes a field set. */
function sortTree(node: KObj): KObj {
  const keys = Object.keys(node).sort((a, b) => (a === "." ? -1 : b === "." ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sortTree(node[k])]));
}

function fromFieldsV1(tree: unknown): Map<string, Path> {
  const out = new Map<string, Path>();
  const walk = (node: unknown, p: Path) => {
    if (!isObject(node)) return;
    const children = Object.keys(node).filter((k) => k !== ".");
    if (p.length && (children.length === 0 || "." in node)) out.set(key(p), p);
    for (const k of children) walk(node[k], [...p, k]);
  };
  walk(tree, []);
  return out;
}

function entriesOf(obj: KObj | undefined): Entry[] {
  const mf = obj?.metadata?.managedFields;
  return Array.isArray(mf) ? mf.filter(isObject).map((e) => ({ ...e }) as Entry) : [];
}

function sameSlot(e: Entry, m: Manager, op: Entry["operation"]): boolean {
  return e.manager === m.manager && e.operation === op && (e.subresource ?? "") === (m.subresource ?? "");
}

/** kube's order: by operation, then time (seconds), then manager, then subresource. */
function finish(entries: { e: Entry; set: Map<string, Path> }[]): Entry[] | undefined {
  const kept = entries
    .filter((x) => x.set.size > 0)
    .map((x) => ({ ...x.e, fieldsV1: toFieldsV1(x.set) }))
    .sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        a.time.localeCompare(b.time) ||
        a.manager.localeCompare(b.manager) ||
        (a.subresource ?? "").localeCompare(b.subresource ?? ""),
    )
    .map((e) => {
      const out: KObj = {
        manager: e.manager,
        operation: e.operation,
        apiVersion: e.apiVersion,
        time: e.time,
        fieldsType: "FieldsV1",
        fieldsV1: e.fieldsV1,
      };
      if (e.subresource) out.subresource = e.subresource;
      return out as Entry;
    });
  return kept.length ? kept : undefined;
}

/**
 * Records an Update-operation write (create, update, merge/JSON/strategic patch) on top of the entries `next`
 * carries: the manager gains the fields it added or changed, every other manager loses them, and removed fields leave
 * every set. Sets next.metadata.managedFields.
 */
export function recordUpdate(
  prev: KObj | undefined,
  next: KObj,
  m: Manager,
  skipStatus: boolean,
  schema?: Schema,
): void {
  const atomic = new Set<string>();
  const before = prev ? paths(prev, true, skipStatus, schema, atomic) : new Map<string, Path>();
  const after = paths(next, true, skipStatus, schema, atomic);
  const touched = new Map<string, Path>();
  for (const [k, p] of after) if (!before.has(k) || !deepEqual(at(prev, p), at(next, p))) touched.set(k, p);
  const removed = [...before.keys()].filter((k) => !after.has(k));
  // A map that merely gained or lost children is not itself changed.
  for (const [k, p] of touched) if (before.has(k) && !atomic.has(k) && isObject(at(next, p))) touched.delete(k);
  const list = entriesOf(next).map((e) => ({ e, set: fromFieldsV1(e.fieldsV1) }));
  for (const x of list) {
    for (const k of [...touched.keys(), ...removed]) x.set.delete(k);
  }
  let mine = list.find((x) => sameSlot(x.e, m, "Update"));
  if (!mine) {
    mine = { e: blank(m, "Update"), set: new Map() };
    list.push(mine);
  }
  if (touched.size > 0) mine.e.time = now();
  mine.e.apiVersion = m.apiVersion;
  for (const [k, p] of touched) mine.set.set(k, p);
  setEntries(next, finish(list));
}

function blank(m: Manager, operation: Entry["operation"]): Entry {
  const e: Entry = {
    manager: m.manager,
    operation,
    apiVersion: m.apiVersion,
    time: now(),
    fieldsType: "FieldsV1",
    fieldsV1: {},
  };
  if (m.subresource) e.subresource = m.subresource;
  return e;
}

/** No entries is an empty list, which the engine stores as no managedFields at all. */
function setEntries(obj: KObj, entries: Entry[] | undefined): void {
  obj.metadata.managedFields = entries ?? [];
}

/**
 * Server-side apply on top of `merged` (the live object with the applied configuration merged in): refuses
 * conflicts with other managers unless `force`, takes the applied fields over, removes the fields this manager
 * applied before, no longer applies and nobody else owns, and sets merged.metadata.managedFields.
 */
export function recordApply(
  live: KObj | undefined,
  applied: KObj,
  merged: KObj,
  m: Manager,
  force: boolean,
  skipStatus: boolean,
  schema?: Schema,
): void {
  const mineNow = paths(applied, false, skipStatus, schema);
  const list = entriesOf(live).map((e) => ({ e, set: fromFieldsV1(e.fieldsV1) }));
  const conflicts: { manager: Entry; path: Path }[] = [];
  for (const x of list) {
    if (sameSlot(x.e, m, "Apply")) continue;
    for (const [k, p] of mineNow) {
      if (x.set.has(k) && !deepEqual(at(live, p), at(applied, p))) conflicts.push({ manager: x.e, path: p });
    }
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  for (const x of list) {
    if (sameSlot(x.e, m, "Apply")) continue;
    for (const c of conflicts) if (x.e === c.manager) x.set.delete(key(c.path));
  }
  let mine = list.find((x) => sameSlot(x.e, m, "Apply"));
  const dropped = mine ? [...mine.set.entries()].filter(([k]) => !mineNow.has(k)) : [];
  if (!mine) {
    mine = { e: blank(m, "Apply"), set: new Map() };
    list.push(mine);
  }
  const same = mine.set.size === mineNow.size && [...mineNow.keys()].every((k) => mine?.set.has(k));
  if (!same || mine.e.apiVersion !== m.apiVersion) mine.e.time = now();
  mine.e.apiVersion = m.apiVersion;
  mine.set = mineNow;
  for (const [k, p] of dropped) {
    if (list.some((x) => x !== mine && x.set.has(k))) continue;
    removeAt(merged, p);
  }
  setEntries(merged, finish(list));
}

function fieldPath(p: Path): string {
  return p
    .map((seg) => {
      if (seg.startsWith("f:")) return `.${seg.slice(2)}`;
      if (seg.startsWith("k:")) return `[uid="${JSON.parse(seg.slice(2)).uid}"]`;
      return `[=${seg.slice(2)}]`;
    })
    .join("");
}

/** kube's apply conflict: one cause per field, the message grouped by manager. */
function conflictError(conflicts: { manager: Entry; path: Path }[]): ApiError {
  const who = (e: Entry) => (e.operation === "Update" ? `"${e.manager}" using ${e.apiVersion}` : `"${e.manager}"`);
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const w = who(c.manager);
    byManager.set(w, [...(byManager.get(w) ?? []), fieldPath(c.path)]);
  }
  const n = conflicts.length;
  const parts = [...byManager.entries()].map(([w, fields]) =>
    fields.length === 1 ? `conflict with ${w}: ${fields[0]}` : `conflicts with ${w}:\n- ${fields.join("\n- ")}`,
  );
  const message = `Apply failed with ${n} conflict${n === 1 ? "" : "s"}: ${parts.join("\n")}`;
  return new ApiError(409, message, "Conflict", {
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with ${who(c.manager)}`,
      field: fieldPath(c.path),
    })),
  });
}
