/**
 * Go text/template's predefined functions (funcs.go): not, len, index, slice, print, printf,
 * println, html, js, urlquery, eq, ne, lt, le, gt, ge. `and`, `or` and `call` need the
 * evaluator (short-circuit evaluation, calling function values) and live in exec.ts.
 * Arguments arrive as evaluated values; `undefined` stands for Go's invalid reflect.Value.
 */
import { sprint, sprintf, sprintln } from "./fmt.js";
import { bytesToGoString, goStringToBytes } from "./funcs/bytes.js";
import { GoInt } from "./go-ints.js";
import { type GoSignature, parseSignature } from "./signature.js";
import { isPrint } from "./strconv.js";
import {
  compareGoStrings,
  type FuncMap,
  goIntValue,
  goTypeName,
  isMap,
  isTrue,
  mapElemType,
  typedSlice,
} from "./values.js";

export class BuiltinError extends Error {}

function typeName(v: unknown): string {
  return v === undefined ? "<nil>" : goTypeName(v);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function byteLength(s: string): number {
  // bytes that are not UTF-8 are carried as one lone surrogate each (funcs/bytes.ts): count them as one byte
  return isAscii(s) ? s.length : goStringToBytes(s).length;
}

export function length(item: unknown): bigint {
  if (item === null || item === undefined) {
    if (item === null) throw new BuiltinError("len of nil pointer");
    throw new BuiltinError("reflect: call of reflect.Value.Type on zero Value");
  }
  if (typeof item === "string") return BigInt(byteLength(item));
  if (Array.isArray(item) || item instanceof Uint8Array) return BigInt(item.length);
  if (isMap(item)) return BigInt(Object.keys(item).length);
  throw new BuiltinError(`len of type ${goTypeName(item)}`);
}

function indexArg(index: unknown, cap: number): number {
  const x = goIntValue(index);
  if (x === undefined) {
    if (index === undefined || index === null) throw new BuiltinError("cannot index slice/array with nil");
    throw new BuiltinError(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (x < 0n || x > BigInt(cap)) throw new BuiltinError(`index out of range: ${x}`);
  return Number(x);
}

export function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new BuiltinError("index of untyped nil");
  for (const ix of indexes) {
    if (item === null) throw new BuiltinError("index of nil pointer");
    if (typeof item === "string") {
      const bytes = isAscii(item) ? null : goStringToBytes(item);
      const len = bytes ? bytes.length : item.length;
      const x = indexArg(ix, len);
      if (x >= len) throw new BuiltinError("reflect: string index out of range");
      item = new GoInt(BigInt(bytes ? bytes[x]! : item.charCodeAt(x)), "uint8");
    } else if (Array.isArray(item) || item instanceof Uint8Array) {
      const x = indexArg(ix, item.length);
      if (x >= item.length) throw new BuiltinError("reflect: slice index out of range");
      item = Array.isArray(item) ? item[x] : new GoInt(BigInt(item[x]!), "uint8");
      if (item === undefined) item = null;
    } else if (isMap(item)) {
      if (ix === undefined || ix === null) throw new BuiltinError("value is nil; should be of type string");
      if (typeof ix !== "string") {
        throw new BuiltinError(`value has type ${goTypeName(ix)}; should be string`);
      }
      // a missing key gives the element type's zero value: "" in ESO's map[string]string data
      item = Object.hasOwn(item, ix) ? (item[ix] ?? null) : mapElemType(item) === "string" ? "" : null;
    } else {
      throw new BuiltinError(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

export function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new BuiltinError("slice of untyped nil");
  if (indexes.length > 3) throw new BuiltinError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Buffer | null = null;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new BuiltinError("cannot 3-index slice a string");
    if (!isAscii(item)) bytes = goStringToBytes(item);
    len = bytes ? bytes.length : item.length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) len = item.length;
  else throw new BuiltinError(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, len);
  });
  if (idx[0]! > idx[1]!) throw new BuiltinError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new BuiltinError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === "string")
    return bytes ? bytesToGoString(bytes.subarray(idx[0], idx[1])) : item.slice(idx[0], idx[1]);
  if (item instanceof Uint8Array) return item.slice(idx[0], idx[1]);
  const arr = item as unknown[];
  const out = arr.slice(idx[0], idx[1]);
  const tagged = Object.getOwnPropertySymbols(arr).length > 0;
  return tagged ? typedSlice(out, goTypeName(arr).slice(2)) : out;
}

// ---------------------------------------------------------------- comparison

type Kind = "invalid" | "bool" | "int" | "float" | "string";

function basicKind(v: unknown): Kind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  return goIntValue(v) === undefined ? "invalid" : "int";
}

function intOf(v: unknown): bigint {
  return goIntValue(v) as bigint;
}

function isNilValue(v: unknown): boolean {
  return v === undefined || v === null;
}

function goKindName(v: unknown): string {
  if (Array.isArray(v) || v instanceof Uint8Array) return "slice";
  if (isMap(v)) return "map";
  if (typeof v === "function") return "func";
  if (v === undefined || v === null) return "invalid";
  return "struct";
}

/** Go 1.25+ names both types (ESO builds with Go 1.25). Sprig's int64 results print as int here. */
function incompatible(a: unknown, b: unknown): BuiltinError {
  return new BuiltinError(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
}

export function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) throw new BuiltinError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (!isNilValue(arg1) && !isNilValue(arg)) throw incompatible(arg1, arg);
    } else {
      switch (k1) {
        case "bool":
        case "float":
        case "string":
          truth = arg1 === arg;
          break;
        case "int":
          truth = intOf(arg1) === intOf(arg);
          break;
        default: {
          const n1 = isNilValue(arg1);
          const n2 = isNilValue(arg);
          if (!n1 && !n2 && goKindName(arg1) !== goKindName(arg)) {
            throw new BuiltinError(
              `non-comparable types ${sprint([arg1])}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${sprint([arg])}`,
            );
          }
          if (n1 || n2) truth = n1 === n2;
          else {
            const kind = goKindName(arg);
            if (kind === "slice" || kind === "map" || kind === "func") {
              throw new BuiltinError(`non-comparable type ${sprint([arg])}: ${goTypeName(arg)}`);
            }
            truth = structEqual(arg1, arg);
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function structEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "object" && typeof b === "object" && a && b && a.constructor === b.constructor) {
    const ka = Object.keys(a);
    return ka.every((k) => {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      return typeof x === "object" && x !== null ? JSON.stringify(x) === JSON.stringify(y) : x === y;
    });
  }
  return false;
}

export function ne(arg1: unknown, arg2: unknown): boolean {
  return !eq(arg1, arg2);
}

export function lt(arg1: unknown, arg2: unknown): boolean {
  const k1 = basicKind(arg1);
  if (k1 === "invalid") throw new BuiltinError("invalid type for comparison");
  const k2 = basicKind(arg2);
  if (k2 === "invalid") throw new BuiltinError("invalid type for comparison");
  if (k1 !== k2) throw incompatible(arg1, arg2);
  switch (k1) {
    case "bool":
      throw new BuiltinError("invalid type for comparison");
    case "float":
      return (arg1 as number) < (arg2 as number);
    case "int":
      return intOf(arg1) < intOf(arg2);
    default:
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
  }
}

export function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

export function gt(arg1: unknown, arg2: unknown): boolean {
  return !le(arg1, arg2);
}

export function ge(arg1: unknown, arg2: unknown): boolean {
  return !lt(arg1, arg2);
}

// ---------------------------------------------------------------- escaping

function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  // Go's printableValue: a nil argument (an invalid reflect.Value) prints as <no value>
  return sprint(args.map((a) => (a === undefined || a === null ? "<no value>" : a)));
}

export function htmlEscapeString(s: string): string {
  if (!/[<>&'"\0]/.test(s)) return s;
  return s.replace(/[<>&'"\0]/g, (c) => {
    switch (c) {
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case "&":
        return "&amp;";
      case "'":
        return "&#39;";
      case '"':
        return "&#34;";
      default:
        return "\ufffd";
    }
  });
}

const HEX_UPPER = "0123456789ABCDEF";

export function jsEscapeString(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case "\\":
        out += "\\\\";
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case "<":
        out += "\\u003C";
        continue;
      case ">":
        out += "\\u003E";
        continue;
      case "&":
        out += "\\u0026";
        continue;
      case "=":
        out += "\\u003D";
        continue;
    }
    // a byte that is not UTF-8 (carried as U+DC80..U+DCFF) decodes as the printable U+FFFD and is copied as is
    if (c >= 0xdc80 && c <= 0xdcff) out += ch;
    else if (c < 0x20) out += `\\u00${HEX_UPPER[c >> 4]}${HEX_UPPER[c & 15]}`;
    else if (c < 0x80 || isPrint(c)) out += ch;
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return out;
}

export function queryEscape(s: string): string {
  let out = "";
  for (const b of goStringToBytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${HEX_UPPER[b >> 4]}${HEX_UPPER[b & 15]}`;
  }
  return out;
}

function nilToNull(args: unknown[]): unknown[] {
  return args.map((a) => (a === undefined ? null : a));
}

/** Builtins that take plain evaluated arguments. */
export const BUILTINS: FuncMap = {
  not: (a: unknown) => !isTrue(a),
  len: length,
  index,
  slice,
  print: (...a: unknown[]) => sprint(nilToNull(a)),
  printf: (format: unknown, ...a: unknown[]) => sprintf(format as string, nilToNull(a)),
  println: (...a: unknown[]) => sprintln(nilToNull(a)),
  html: (...a: unknown[]) => htmlEscapeString(evalArgs(a)),
  js: (...a: unknown[]) => jsEscapeString(evalArgs(a)),
  urlquery: (...a: unknown[]) => queryEscape(evalArgs(a)),
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
};

const COMPARE = "func(reflect.Value, reflect.Value) (bool, error)";
const ESCAPE = "func(...interface {}) string";

/** Go's signature of each builtin (text/template funcs.go), for argument counts and conversions. */
export const BUILTIN_SIGNATURES: Record<string, GoSignature> = Object.fromEntries(
  Object.entries({
    and: "func(reflect.Value, ...reflect.Value) reflect.Value",
    or: "func(reflect.Value, ...reflect.Value) reflect.Value",
    call: "func(reflect.Value, ...reflect.Value) (reflect.Value, error)",
    not: "func(reflect.Value) bool",
    len: "func(reflect.Value) (int, error)",
    index: "func(reflect.Value, ...reflect.Value) (reflect.Value, error)",
    slice: "func(reflect.Value, ...reflect.Value) (reflect.Value, error)",
    print: ESCAPE,
    printf: "func(string, ...interface {}) string",
    println: ESCAPE,
    html: ESCAPE,
    js: ESCAPE,
    urlquery: ESCAPE,
    eq: "func(reflect.Value, ...reflect.Value) (bool, error)",
    ne: COMPARE,
    lt: COMPARE,
    le: COMPARE,
    gt: COMPARE,
    ge: COMPARE,
  }).map(([name, sig]) => [name, parseSignature(sig)]),
);

export { typeName };
