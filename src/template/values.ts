/**
 * The value model shared by the template engine and its function library.
 *
 * Go value            → JS representation
 *   string            → string
 *   bool              → boolean
 *   int               → bigint (always kept within the signed 64-bit range; Go's `int` on 64-bit platforms)
 *   int64, uint8, ... → GoInt (go-ints.ts): Sprig's arithmetic, bytes of strings, semver's numbers
 *   float64           → number
 *   nil               → null (undefined is accepted as nil too; inside the evaluator `undefined` also
 *                       stands for Go's "invalid" reflect.Value, e.g. a missing map key)
 *   []interface{}     → Array (an array may be tagged with an element type via `typedSlice`, e.g. []string)
 *   map[string]any    → plain object (prototype Object.prototype or null); keys print sorted like Go
 *   []byte            → Uint8Array
 *   time.Time         → GoTime (go-time.ts)
 *   time.Duration     → GoDuration (go-duration.ts)
 *   time.Month, time.Weekday → GoNamedInt (an int that prints as its name)
 *   Go structs and pointers → classes registered with defineGoType (go-reflect.ts)
 *
 * Functions: a TemplateFunc receives evaluated arguments and returns a value in this model. One declared with
 * goFunc (signature.ts) receives arguments of exactly its Go parameter types, as Go's reflect-based call
 * converts them; one without a declaration receives any value (int literals as bigint, float literals as
 * number, missing values as null). Throwing an Error yields Go's `error calling NAME: <message>` execution error.
 */
import { GoDuration } from "./go-duration.js";
import { GoInt, GoNamedInt } from "./go-ints.js";
import { goTypeInfo } from "./go-reflect.js";
import { GoTime } from "./go-time.js";
import { formatFloat } from "./strconv.js";
import type { TemplateFunc } from "./template-func.js";

export type { TemplateFunc };

export type FuncMap = Record<string, TemplateFunc>;
export type GoMap = Record<string, unknown>;

const ELEM_TYPE = Symbol.for("eso.template.elemType");

/** Tag an array with a Go element type name ("string", "int", ...) so %T prints e.g. []string. */
export function typedSlice<T extends unknown[]>(arr: T, elemType: string): T {
  Object.defineProperty(arr, ELEM_TYPE, { value: elemType, enumerable: false, configurable: true });
  return arr;
}

export function sliceElemType(arr: unknown[]): string {
  return (arr as unknown as Record<symbol, string | undefined>)[ELEM_TYPE] ?? "interface {}";
}

const NIL_SLICE = Symbol.for("eso.template.nilSlice");

/** Mark an empty array as a nil slice: it prints [] and ranges as empty, but JSON (and YAML) write it as null. */
export function nilSlice<T extends unknown[]>(arr: T): T {
  Object.defineProperty(arr, NIL_SLICE, { value: true, enumerable: false, configurable: true });
  return arr;
}

export function isNilSlice(v: unknown): boolean {
  return (
    Array.isArray(v) && v.length === 0 && (v as unknown as Record<symbol, boolean | undefined>)[NIL_SLICE] === true
  );
}

/** Tag a map with a Go element type name (e.g. "string" for ESO's map[string]string data). */
export function typedMap<T extends GoMap>(m: T, elemType: string): T {
  Object.defineProperty(m, ELEM_TYPE, { value: elemType, enumerable: false, configurable: true });
  return m;
}

export function mapElemType(m: GoMap): string {
  return (m as unknown as Record<symbol, string | undefined>)[ELEM_TYPE] ?? "interface {}";
}

export function isMap(v: unknown): v is GoMap {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The integer behind an integer-kind value (int, int64, uint8, time.Duration, named ints); undefined otherwise. */
export function goIntValue(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof GoInt || v instanceof GoNamedInt) return v.n;
  if (v instanceof GoDuration) return v.ns;
  return undefined;
}

// ---------------------------------------------------------------- type names

/** Go's %T for a value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "function":
      return "func(...interface {}) interface {}";
  }
  if (Array.isArray(v)) return `[]${sliceElemType(v)}`;
  if (v instanceof GoInt) return v.type;
  if (v instanceof Uint8Array) return "[]uint8";
  if (v instanceof GoTime) return "time.Time";
  if (v instanceof GoDuration) return "time.Duration";
  if (v instanceof GoNamedInt) return v.type.name;
  if (v instanceof Error) return "*errors.errorString";
  if (isMap(v)) return `map[string]${mapElemType(v)}`;
  return goTypeInfo(v as object)?.type ?? "struct {}";
}

/** reflect.Kind name of a value ("invalid" for nil). */
export function goKind(v: unknown): string {
  if (v === null || v === undefined) return "invalid";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "function":
      return "func";
  }
  if (v instanceof GoInt) return v.type;
  if (Array.isArray(v) || v instanceof Uint8Array) return "slice";
  if (v instanceof GoDuration) return "int64";
  if (v instanceof GoNamedInt) return "int";
  if (v instanceof GoTime) return "struct";
  if (isMap(v)) return "map";
  if (v instanceof Error) return "ptr";
  return goTypeInfo(v as object)?.kind ?? "struct";
}

/** Go template truthiness (text/template IsTrue). */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case "string":
      return v.length > 0;
    case "boolean":
      return v;
    case "bigint":
      return v !== 0n;
    case "number":
      return v !== 0;
    case "function":
      return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  const n = goIntValue(v);
  if (n !== undefined) return n !== 0n;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Keys of a Go map in Go's sorted order (strings sort bytewise, which matches UTF-16 order for BMP text). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareGoStrings);
}

/** Compare strings by their UTF-8 bytes, as Go does. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral code points) have larger UTF-8 encodings than U+E000..U+FFFF.
      const sx = x >= 0xd800 && x < 0xe000;
      const sy = y >= 0xd800 && y < 0xe000;
      if (sx !== sy) return sx ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

// ---------------------------------------------------------------- printing

/** fmt's %v of one value (nested values print as in Go: slices [a b], maps map[k:v], nil <nil>). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return formatFloat(v, "g", -1);
    case "function":
      return "0xc000010000";
  }
  if (Array.isArray(v) || isMap(v)) return formatNested(v);
  if (v instanceof Uint8Array) return `[${Array.from(v).join(" ")}]`;
  if (v instanceof GoInt || v instanceof GoTime || v instanceof GoDuration || v instanceof GoNamedInt) {
    return v.toString();
  }
  if (v instanceof Error) return v.message;
  return String(v);
}

/** Lists and maps at any depth, with an explicit stack of what is left to print (no recursion). */
function formatNested(root: unknown[] | GoMap): string {
  const out: string[] = [];
  const tasks: ({ text: string } | { elem: unknown })[] = [{ elem: root }];
  for (let t = tasks.pop(); t !== undefined; t = tasks.pop()) {
    if ("text" in t) {
      out.push(t.text);
      continue;
    }
    const v = t.elem;
    if (!Array.isArray(v) && !isMap(v)) {
      out.push(formatValue(v));
      continue;
    }
    tasks.push({ text: "]" });
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) tasks.push({ elem: v[i] }, { text: i > 0 ? " " : "" });
      tasks.push({ text: "[" });
    } else {
      const keys = sortedKeys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        tasks.push({ elem: v[keys[i]!] }, { text: `${i > 0 ? " " : ""}${keys[i]!}:` });
      }
      tasks.push({ text: "map[" });
    }
  }
  return out.join("");
}

/** fmt.Sprint(v) for a single argument. */
export function toGoString(v: unknown): string {
  return formatValue(v);
}
