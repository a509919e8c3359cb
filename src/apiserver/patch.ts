/** Patch formats kube-apiserver accepts: JSON merge patch, JSON patch, strategic merge patch and apply. */
import { isAtomicMap, memberSchema } from "./atomic-fields.js";
import { ApiError, badRequest } from "./errors.js";
import type { Schema } from "./openapi-schema-builders.js";
import type { KObj } from "./types.js";

function isObject(v: unknown): v is KObj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** RFC 7386. The target is owned by the caller and modified in place where possible. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: KObj = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Strategic merge patch, enough for what kubectl sends to Secrets, ConfigMaps and the other map-shaped kinds served
 * here: maps merge, lists replace except ObjectMeta's merge lists (finalizers as a set, ownerReferences keyed by
 * uid), `$patch: replace|delete`, and the `$setElementOrder`/`$retainKeys`/`$deleteFromPrimitiveList` directives.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch) || patch.$patch || !isObject(patch.metadata) || !isObject(target))
    return mergeStrategic(target, patch);
  const meta: KObj = isObject(target.metadata) ? target.metadata : {};
  const rest: KObj = { ...patch.metadata };
  for (const [field, key] of [
    ["finalizers", undefined],
    ["ownerReferences", "uid"],
  ] as const) {
    if (!(field in rest)) continue;
    const v = rest[field];
    delete rest[field];
    if (v === null) delete meta[field];
    else if (Array.isArray(v)) meta[field] = mergeList(meta[field], v, key);
    else throw badRequest(`metadata.${field}: expected a list in the strategic merge patch`);
  }
  target.metadata = meta;
  return mergeStrategic(target, { ...patch, metadata: rest });
}

/** A list with patchStrategy "merge": primitives form a set; objects merge by `key`, `$patch: delete` removes one. */
function mergeList(current: unknown, patch: unknown[], key: string | undefined): unknown[] {
  if (patch.some((x) => isObject(x) && x.$patch === "replace")) {
    return patch.filter((x) => !(isObject(x) && x.$patch === "replace")).map(stripDirectives);
  }
  const out: unknown[] = Array.isArray(current) ? [...current] : [];
  for (const item of patch) {
    if (key === undefined || !isObject(item)) {
      if (!out.includes(item)) out.push(item);
      continue;
    }
    const i = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item.$patch === "delete") {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = mergeStrategic(out[i], item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function mergeStrategic(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const directive = patch.$patch;
  if (directive === "replace") {
    const copy: KObj = { ...patch };
    delete copy.$patch;
    return stripDirectives(copy);
  }
  if (directive === "delete") return undefined;
  const out: KObj = isObject(target) ? target : {};
  const retain = Array.isArray(patch.$retainKeys) ? new Set<string>(patch.$retainKeys) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys" || k.startsWith("$setElementOrder/")) continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = out[field].filter((x: unknown) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const merged = mergeStrategic(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.has(k)) delete out[k];
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: KObj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith("$")) out[k] = stripDirectives(x);
  return out;
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(p: string): string[] {
  if (p === "") return [];
  if (!p.startsWith("/")) throw badRequest(`invalid JSON pointer "${p}"`);
  return p.slice(1).split("/").map(unescapeToken);
}

function resolveParent(doc: unknown, tokens: string[]): { parent: any; key: string } {
  let cur: any = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined || cur === null) {
      throw patchFailed();
    }
  }
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function getAt(doc: unknown, path: string): unknown {
  let cur: any = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** kube answers every JSON patch that cannot be applied with this one message, naming neither op nor path. */
function patchFailed(): ApiError {
  return new ApiError(422, "the server rejected our request due to an error in our request", "Invalid", {});
}

/** RFC 6902 JSON patch. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest("json patch must be an array of operations");
  for (const o of ops as KObj[]) {
    const op = o.op as string;
    const path = o.path as string;
    if (typeof path !== "string") throw badRequest(`json patch operation ${JSON.stringify(o)} has no path`);
    const tokens = parsePointer(path);
    switch (op) {
      case "add":
      case "replace": {
        const value = structuredClone(o.value);
        if (tokens.length === 0) {
          doc = value;
          break;
        }
        const { parent, key } = resolveParent(doc, tokens);
        if (Array.isArray(parent)) {
          const i = key === "-" ? parent.length : Number(key);
          if (!Number.isInteger(i) || i < 0 || i > parent.length) throw patchFailed();
          if (op === "add") parent.splice(i, 0, value);
          else {
            if (i >= parent.length) throw patchFailed();
            parent[i] = value;
          }
        } else if (isObject(parent)) {
          if (op === "replace" && !(key in parent)) throw patchFailed();
          parent[key] = value;
        } else throw patchFailed();
        break;
      }
      case "remove": {
        const { parent, key } = resolveParent(doc, tokens);
        if (Array.isArray(parent)) {
          const i = Number(key);
          if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw patchFailed();
          parent.splice(i, 1);
        } else if (isObject(parent) && key in parent) delete parent[key];
        else throw patchFailed();
        break;
      }
      case "test": {
        const actual = getAt(doc, path);
        if (JSON.stringify(actual) !== JSON.stringify(o.value)) {
          throw patchFailed();
        }
        break;
      }
      case "move":
      case "copy": {
        const from = o.from as string;
        const value = getAt(doc, from);
        if (value === undefined) throw patchFailed();
        if (op === "move") doc = jsonPatch(doc, [{ op: "remove", path: from }]);
        doc = jsonPatch(doc, [{ op: "add", path, value }]);
        break;
      }
      default:
        throw badRequest(`unexpected json patch operation "${op}"`);
    }
  }
  return doc;
}

/**
 * Server-side apply without field ownership: the applied configuration is merged into the live object
 * (maps merge recursively, lists and scalars are replaced, and so is a map the schema marks atomic).
 */
export function applyMerge(live: unknown, applied: unknown, schema?: Schema, top = true): unknown {
  if (!isObject(applied)) return applied;
  if (!top && isAtomicMap(schema)) return structuredClone(applied);
  const out: KObj = isObject(live) ? live : {};
  for (const [k, v] of Object.entries(applied)) {
    if (v === null) delete out[k];
    else out[k] = applyMerge(out[k], v, top && k === "metadata" ? undefined : memberSchema(schema, k), false);
  }
  return out;
}
