/** Sprig's list functions. */
import { type FuncMap, goKind, goTypeName, sliceElemType, typedSlice } from "../values.js";
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

function chunk(size: number, list: unknown): unknown[][] {
  const l = items(list, (k) => `Cannot chunk type ${k}`);
  if (size <= 0 && l.length > 0) throw panicError("runtime error: integer divide by zero");
  const out: unknown[][] = [];
  for (let i = 0; i < l.length; i += size) out.push(iface(l.slice(i, i + size)));
  return typedSlice(out, "[]interface {}");
}

function concat(lists: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const l of lists) {
    if (!isList(l)) throw panicError(`Cannot concat type ${kindName(l)} as list`);
    out.push(...listItems(l));
  }
  return iface(out);
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
      return a.length === 0 ? null : iface(a.slice(1));
    }),
    ...pair("last", "mustLast", (l) => {
      const a = items(l, (k) => `Cannot find last on type ${k}`);
      return a.length === 0 ? null : a[a.length - 1];
    }),
    ...pair("initial", "mustInitial", (l) => {
      const a = items(l, (k) => `Cannot find initial on type ${k}`);
      return a.length === 0 ? null : iface(a.slice(0, -1));
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
