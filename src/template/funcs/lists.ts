/** Sprig's list functions. */
import { type FuncMap, goKind, goTypeName, nilSlice, sliceElemType, typedSlice } from "../values.js";
import { deepEqual } from "./reflect.js";
import { argInt, isList, listItems, panicError, toInt64 } from "./util.js";

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

type ListOp = (...args: unknown[]) => unknown;

/** A Sprig list function and its must- variant: the plain one panics with the same message. */
function pair(name: string, mustName: string, f: ListOp): FuncMap {
  return { [name]: f, [mustName]: f };
}

export function listFuncs(): FuncMap {
  return {
    list: (...v) => iface([...v]),
    tuple: (...v) => iface([...v]),
    ...pair("append", "mustAppend", (l, v) => iface([...items(l, (k) => `Cannot push on type ${k}`), v])),
    ...pair("push", "mustPush", (l, v) => iface([...items(l, (k) => `Cannot push on type ${k}`), v])),
    ...pair("prepend", "mustPrepend", (l, v) => iface([v, ...items(l, (k) => `Cannot prepend on type ${k}`)])),
    ...pair("first", "mustFirst", (l) => {
      const a = items(l, (k) => `Cannot find first on type ${k}`);
      return a.length === 0 ? null : a[0];
    }),
    ...pair("rest", "mustRest", (l) => {
      const a = items(l, (k) => `Cannot find rest on type ${k}`);
      // Sprig returns a nil []interface{} for an empty list: a slice still (prints [], concat takes it)
      return a.length === 0 ? nilSlice(iface([])) : iface(a.slice(1));
    }),
    ...pair("last", "mustLast", (l) => {
      const a = items(l, (k) => `Cannot find last on type ${k}`);
      return a.length === 0 ? null : a[a.length - 1];
    }),
    ...pair("initial", "mustInitial", (l) => {
      const a = items(l, (k) => `Cannot find initial on type ${k}`);
      return a.length === 0 ? nilSlice(iface([])) : iface(a.slice(0, -1));
    }),
    ...pair("reverse", "mustReverse", (l) => iface([...items(l, (k) => `Cannot find reverse on type ${k}`)].reverse())),
    ...pair("uniq", "mustUniq", (l) => {
      const out: unknown[] = [];
      for (const x of items(l, (k) => `Cannot find uniq on type ${k}`)) if (!inList(out, x)) out.push(x);
      return iface(out);
    }),
    ...pair("without", "mustWithout", (l, ...omit) =>
      iface(items(l, (k) => `Cannot find without on type ${k}`).filter((x) => !inList(omit, x))),
    ),
    ...pair("has", "mustHas", (needle, hay) => {
      if (hay === null || hay === undefined) return false;
      return inList(
        items(hay, (k) => `Cannot find has on type ${k}`),
        needle,
      );
    }),
    ...pair("slice", "mustSlice", (l, ...idx) => sliceOf(l, idx)),
    ...pair("chunk", "mustChunk", (s, l) => chunk(argInt(s), l)),
    ...pair("compact", "mustCompact", (l) =>
      iface(items(l, (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x))),
    ),
    concat: (...ls) => concat(ls),
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
  if (goTypeName(v) === "map[string]interface {}") return Object.keys(v as object).length === 0;
  if (goKind(v) === "int64") return (v as { ns: bigint }).ns === 0n;
  return false;
}
