/** Sprig's dictionary functions. */
import { type FuncMap, GoDuration, type GoMap, GoTime, goTypeName, isMap, mapElemType, typedSlice } from "../values.js";
import { isEmpty } from "./lists.js";
import { argMap, argStr, panicError, requireAtLeast, strval } from "./util.js";

function dict(args: unknown[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < args.length; i += 2) {
    out[strval(args[i])] = i + 1 < args.length ? args[i + 1] : "";
  }
  return out;
}

/** mergo.Merge / mergo.Merge(WithOverride) of map[string]interface{} values, mutating dst. */
export function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, sv] of Object.entries(src)) {
    const has = Object.hasOwn(dst, k);
    const dv = dst[k];
    if (sv === null || sv === undefined) {
      if (overwrite) dst[k] = sv;
      continue;
    }
    if (isMap(sv) && has && isMap(dv)) {
      mergeInto(dv, sv, overwrite);
      continue;
    }
    if (has && !isEmpty(dv) && Array.isArray(sv) && !overwrite) continue;
    if (overwrite || !has || isEmpty(dv)) dst[k] = sv;
  }
}

function merge(args: unknown[], overwrite: boolean): GoMap {
  requireAtLeast(args, 1);
  const dst = argMap(args[0]);
  for (const s of args.slice(1)) mergeInto(dst, argMap(s), overwrite);
  return dst;
}

/** copystructure.Copy over the value model. */
export function deepCopy(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out = v.map(deepCopy);
    return typedSlice(
      out,
      (v as unknown as Record<symbol, string>)[Symbol.for("eso.template.elemType")] ?? "interface {}",
    );
  }
  if (v instanceof Uint8Array) return v.slice();
  if (v instanceof GoTime || v instanceof GoDuration) return v;
  if (isMap(v)) {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out;
  }
  return v;
}

function dig(args: unknown[]): unknown {
  if (args.length < 3) throw new Error("dig needs at least three arguments");
  let cur = args[args.length - 1];
  const def = args[args.length - 2];
  const keys = args.slice(0, -2);
  // Sprig asserts the dict first, then every key, then each step: Go's messages name the dynamic type
  const conversion = (v: unknown, want: string) =>
    new Error(
      `interface conversion: interface {} is ${v === null || v === undefined ? "nil" : goTypeName(v)}, not ${want}`,
    );
  const isDict = (v: unknown): v is Record<string, unknown> => isMap(v) && mapElemType(v) === "interface {}";
  if (!isDict(cur)) throw conversion(cur, "map[string]interface {}");
  for (const k of keys) if (typeof k !== "string") throw conversion(k, "string");
  for (let i = 0; i < keys.length; i++) {
    if (!isDict(cur)) throw conversion(cur, "map[string]interface {}");
    const k = keys[i] as string;
    if (!Object.hasOwn(cur, k)) return def;
    cur = cur[k];
  }
  return cur;
}

export function dictFuncs(): FuncMap {
  return {
    dict: (...args) => dict(args),
    get: (d, k) => {
      const m = argMap(d);
      const key = argStr(k);
      return Object.hasOwn(m, key) ? m[key] : "";
    },
    set: (d, k, v) => {
      if (d === null || d === undefined) throw panicError("assignment to entry in nil map");
      const m = argMap(d);
      m[argStr(k)] = v;
      return m;
    },
    unset: (d, k) => {
      const m = argMap(d);
      delete m[argStr(k)];
      return m;
    },
    hasKey: (d, k) => Object.hasOwn(argMap(d), argStr(k)),
    pluck: (k, ...ds) => {
      const key = argStr(k);
      const out: unknown[] = [];
      for (const d of ds) {
        const m = argMap(d);
        if (Object.hasOwn(m, key)) out.push(m[key]);
      }
      return typedSlice(out, "interface {}");
    },
    keys: (...ds) => {
      const out: string[] = [];
      for (const d of ds) out.push(...Object.keys(argMap(d)));
      return typedSlice(out, "string");
    },
    pick: (d, ...ks) => {
      const m = argMap(d);
      const out: GoMap = {};
      for (const k of ks) {
        const key = argStr(k);
        if (Object.hasOwn(m, key)) out[key] = m[key];
      }
      return out;
    },
    omit: (d, ...ks) => {
      const m = argMap(d);
      const drop = new Set(ks.map(argStr));
      const out: GoMap = {};
      for (const [k, v] of Object.entries(m)) if (!drop.has(k)) out[k] = v;
      return out;
    },
    merge: (...args) => merge(args, false),
    mustMerge: (...args) => merge(args, false),
    mergeOverwrite: (...args) => merge(args, true),
    mustMergeOverwrite: (...args) => merge(args, true),
    values: (d) => typedSlice(Object.values(argMap(d)), "interface {}"),
    dig: (...args) => dig(args),
    deepCopy: (v) => deepCopy(v),
    mustDeepCopy: (v) => deepCopy(v),
  };
}
