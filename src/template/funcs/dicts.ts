/** Sprig's dictionary functions. */
import { checkElementCount } from "../budget.js";
import { goFunc } from "../signature.js";
import {
  type FuncMap,
  type GoMap,
  goTypeName,
  isMap,
  isNilSlice,
  mapElemType,
  sliceElemType,
  typedMap,
  typedSlice,
} from "../values.js";
import { isEmpty } from "./lists.js";
import { panicError, strval } from "./util.js";

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

/** copystructure.Copy over the value model. */
export function deepCopy(root: unknown): unknown {
  // copystructure asks reflect for the type of a nil interface, which panics
  if (root === null || root === undefined) throw panicError("reflect: call of reflect.Value.Type on zero Value");
  // an explicit work list instead of recursion, so deep data cannot overflow the JS stack; each container is
  // created empty and filled by the work items that copy its children
  const work: { from: unknown[] | GoMap; to: unknown[] | GoMap }[] = [];
  const shallow = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      if (isNilSlice(v)) return v;
      const out = typedSlice(new Array(v.length), sliceElemType(v));
      work.push({ from: v, to: out });
      return out;
    }
    if (v instanceof Uint8Array) return v.slice();
    if (isMap(v)) {
      const out: GoMap = mapElemType(v) === "interface {}" ? {} : typedMap({}, mapElemType(v));
      work.push({ from: v, to: out });
      return out;
    }
    return v;
  };
  const top = shallow(root);
  let copied = 0;
  for (let w = work.pop(); w !== undefined; w = work.pop()) {
    const { from, to } = w;
    // a dict that holds itself would be copied forever: the element limit stops it
    copied += Array.isArray(from) ? from.length : Object.keys(from).length;
    checkElementCount(copied);
    if (Array.isArray(from)) for (let i = 0; i < from.length; i++) (to as unknown[])[i] = shallow(from[i]);
    else for (const [k, x] of Object.entries(from)) (to as GoMap)[k] = shallow(x);
  }
  return top;
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

/** A map parameter: nil arrives as null and reads as an empty map, as a nil Go map does. */
const read = (d: GoMap | null): GoMap => d ?? {};

const MERGE = "func(map[string]interface {}, ...map[string]interface {}) interface {}";
const MUST_MERGE = "func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)";

export function dictFuncs(): FuncMap {
  const merge =
    (overwrite: boolean) =>
    (d: GoMap | null, ...srcs: (GoMap | null)[]) => {
      const dst = read(d);
      for (const src of srcs) mergeInto(dst, read(src), overwrite);
      return dst;
    };
  return {
    dict: goFunc("func(...interface {}) map[string]interface {}", (...args: unknown[]) => dict(args)),
    get: goFunc("func(map[string]interface {}, string) interface {}", (d: GoMap | null, k: string) => {
      const m = read(d);
      return Object.hasOwn(m, k) ? m[k] : "";
    }),
    set: goFunc(
      "func(map[string]interface {}, string, interface {}) map[string]interface {}",
      (d: GoMap | null, k: string, v: unknown) => {
        if (d === null) throw panicError("assignment to entry in nil map");
        d[k] = v;
        return d;
      },
    ),
    unset: goFunc("func(map[string]interface {}, string) map[string]interface {}", (d: GoMap | null, k: string) => {
      const m = read(d);
      delete m[k];
      return m;
    }),
    hasKey: goFunc("func(map[string]interface {}, string) bool", (d: GoMap | null, k: string) =>
      Object.hasOwn(read(d), k),
    ),
    pluck: goFunc("func(string, ...map[string]interface {}) []interface {}", (k: string, ...ds: (GoMap | null)[]) => {
      const out: unknown[] = [];
      for (const d of ds) {
        const m = read(d);
        if (Object.hasOwn(m, k)) out.push(m[k]);
      }
      return typedSlice(out, "interface {}");
    }),
    keys: goFunc("func(...map[string]interface {}) []string", (...ds: (GoMap | null)[]) => {
      const out: string[] = [];
      for (const d of ds) out.push(...Object.keys(read(d)));
      return typedSlice(out, "string");
    }),
    pick: goFunc(
      "func(map[string]interface {}, ...string) map[string]interface {}",
      (d: GoMap | null, ...ks: string[]) => {
        const m = read(d);
        const out: GoMap = {};
        for (const k of ks) if (Object.hasOwn(m, k)) out[k] = m[k];
        return out;
      },
    ),
    omit: goFunc(
      "func(map[string]interface {}, ...string) map[string]interface {}",
      (d: GoMap | null, ...ks: string[]) => {
        const drop = new Set(ks);
        const out: GoMap = {};
        for (const [k, v] of Object.entries(read(d))) if (!drop.has(k)) out[k] = v;
        return out;
      },
    ),
    merge: goFunc(MERGE, merge(false)),
    mustMerge: goFunc(MUST_MERGE, merge(false)),
    mergeOverwrite: goFunc(MERGE, merge(true)),
    mustMergeOverwrite: goFunc(MUST_MERGE, merge(true)),
    values: goFunc("func(map[string]interface {}) []interface {}", (d: GoMap | null) =>
      typedSlice(Object.values(read(d)), "interface {}"),
    ),
    dig: goFunc("func(...interface {}) (interface {}, error)", (...args: unknown[]) => dig(args)),
    deepCopy: goFunc("func(interface {}) interface {}", deepCopy),
    mustDeepCopy: goFunc("func(interface {}) (interface {}, error)", (v: unknown) => deepCopy(v)),
  };
}
