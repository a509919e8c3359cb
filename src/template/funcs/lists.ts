/** Sprig's list functions. */
import { goFunc } from "../signature.js";
import { type FuncMap, goIntValue, goKind, isMap, nilSlice, sliceElemType, typedSlice } from "../values.js";
import { deepEqual } from "./reflect.js";
import { isList, listItems, panicError, toInt64 } from "./util.js";

/** reflect.TypeOf(v).Kind() as Sprig prints it in its errors (nil panics in Go). */
function kindName(v: unknown): string {
  if (v === null || v === undefined)
    throw panicError("runtime error: invalid memory address or nil pointer dereference");
  return goKind(v);
}

function items(v: unknown, err: (kind: string) => string): unknown[] {
  if (isList(v)) return listItems(v);
  throw new Error(err(kindName(v)));
}

const iface = (l: unknown[]) => typedSlice(l, "interface {}");

function inList(haystack: unknown[], needle: unknown): boolean {
  return haystack.some((h) => deepEqual(h, needle));
}

function sliceOf(list: unknown, indices: unknown[]): unknown {
  if (!isList(list)) throw new Error(`list should be type of slice or array but ${kindName(list)}`);
  const l = list.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length > 1 ? Number(toInt64(indices[1])) : l;
  if (start < 0 || end < start || end > l) throw panicError("reflect.Value.Slice: slice index out of bounds");
  if (list instanceof Uint8Array) return list.slice(start, end);
  return typedSlice(list.slice(start, end), sliceElemType(list));
}

/** Go's int(float64) on amd64: NaN, infinities and out-of-range values become math.MinInt64. */
function goFloatToInt(f: number): number {
  return Number.isFinite(f) && Math.abs(f) < 2 ** 63 ? Math.trunc(f) : Number.MIN_SAFE_INTEGER;
}

/** Sprig's mustChunk, float arithmetic included: a size of 0 or below ends in makeslice's panic. */
function chunk(size: number, list: unknown): unknown[][] {
  const l = items(list, (k) => `Cannot chunk type ${k}`);
  const makesliceFails = panicError("runtime error: makeslice: len out of range");
  const count = goFloatToInt(Math.floor((l.length - 1) / size) + 1);
  if (count < 0) throw makesliceFails;
  const out: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    let len = size;
    if (i === count - 1) {
      len = goFloatToInt(Math.floor(l.length % size));
      if (len === 0) len = size;
    }
    if (len < 0) throw makesliceFails;
    out.push(iface(l.slice(i * size, i * size + len)));
  }
  return typedSlice(out, "[]interface {}");
}

function concat(lists: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const l of lists) {
    if (!isList(l)) throw panicError(`Cannot concat type ${kindName(l)} as list`);
    out.push(...listItems(l));
  }
  // Sprig appends to a nil slice: no elements at all leave it nil
  return out.length === 0 ? nilSlice(iface(out)) : iface(out);
}

type ListOp = (...args: never[]) => unknown;

/**
 * A Sprig list function and its must- variant: the plain one panics with the same message, so both behave
 * alike; the must- one declares an error result.
 */
function pair(name: string, mustName: string, signature: string, f: ListOp): FuncMap {
  const i = signature.lastIndexOf(") ");
  const mustSignature = `${signature.slice(0, i + 1)} (${signature.slice(i + 2)}, error)`;
  return { [name]: goFunc(signature, f), [mustName]: goFunc(mustSignature, (...a: never[]) => f(...a)) };
}

const LIST_OF_ONE = "func(interface {}) []interface {}";
const ONE_OF_LIST = "func(interface {}) interface {}";
const LIST_AND_VALUE = "func(interface {}, interface {}) []interface {}";

export function listFuncs(): FuncMap {
  const list = goFunc("func(...interface {}) []interface {}", (...v: unknown[]) => iface([...v]));
  const push = (l: unknown, v: unknown) => iface([...items(l, (k) => `Cannot push on type ${k}`), v]);
  return {
    list,
    tuple: list,
    ...pair("append", "mustAppend", LIST_AND_VALUE, push),
    ...pair("push", "mustPush", LIST_AND_VALUE, push),
    ...pair("prepend", "mustPrepend", LIST_AND_VALUE, (l: unknown, v: unknown) =>
      iface([v, ...items(l, (k) => `Cannot prepend on type ${k}`)]),
    ),
    ...pair("first", "mustFirst", ONE_OF_LIST, (l: unknown) => {
      const a = items(l, (k) => `Cannot find first on type ${k}`);
      return a.length === 0 ? null : a[0];
    }),
    ...pair("rest", "mustRest", LIST_OF_ONE, (l: unknown) => {
      const a = items(l, (k) => `Cannot find rest on type ${k}`);
      // Sprig returns a nil []interface{} for an empty list: a slice still (prints [], concat takes it)
      return a.length === 0 ? nilSlice(iface([])) : iface(a.slice(1));
    }),
    ...pair("last", "mustLast", ONE_OF_LIST, (l: unknown) => {
      const a = items(l, (k) => `Cannot find last on type ${k}`);
      return a.length === 0 ? null : a[a.length - 1];
    }),
    ...pair("initial", "mustInitial", LIST_OF_ONE, (l: unknown) => {
      const a = items(l, (k) => `Cannot find initial on type ${k}`);
      return a.length === 0 ? nilSlice(iface([])) : iface(a.slice(0, -1));
    }),
    ...pair("reverse", "mustReverse", LIST_OF_ONE, (l: unknown) =>
      iface([...items(l, (k) => `Cannot find reverse on type ${k}`)].reverse()),
    ),
    ...pair("uniq", "mustUniq", LIST_OF_ONE, (l: unknown) => {
      const out: unknown[] = [];
      for (const x of items(l, (k) => `Cannot find uniq on type ${k}`)) if (!inList(out, x)) out.push(x);
      return iface(out);
    }),
    ...pair(
      "without",
      "mustWithout",
      "func(interface {}, ...interface {}) []interface {}",
      (l: unknown, ...omit: unknown[]) =>
        iface(items(l, (k) => `Cannot find without on type ${k}`).filter((x) => !inList(omit, x))),
    ),
    ...pair("has", "mustHas", "func(interface {}, interface {}) bool", (needle: unknown, hay: unknown) => {
      if (hay === null || hay === undefined) return false;
      return inList(
        items(hay, (k) => `Cannot find has on type ${k}`),
        needle,
      );
    }),
    ...pair("slice", "mustSlice", "func(interface {}, ...interface {}) interface {}", (l: unknown, ...idx: unknown[]) =>
      sliceOf(l, idx),
    ),
    ...pair("chunk", "mustChunk", "func(int, interface {}) [][]interface {}", (s: bigint, l: unknown) =>
      chunk(Number(s), l),
    ),
    ...pair("compact", "mustCompact", LIST_OF_ONE, (l: unknown) =>
      iface(items(l, (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x))),
    ),
    concat: goFunc("func(...interface {}) interface {}", (...ls: unknown[]) => concat(ls)),
  };
}

/** Sprig's empty(): the zero value of its kind. */
export function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case "string":
      return v.length === 0;
    case "boolean":
      return !v;
    case "bigint":
      return v === 0n;
    case "number":
      return v === 0;
    case "function":
      return false;
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  const n = goIntValue(v);
  return n !== undefined && n === 0n;
}
