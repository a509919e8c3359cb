/**
 * The Go values go-yaml v2 decodes into an interface{} (nil, bool, string, int, uint64, float64, []interface{},
 * map[interface{}]interface{}), and their Go-syntax (%#v) text, which go-yaml and sigs.k8s.io/yaml quote in errors.
 */
import { formatFloat, quote } from "../strconv.js";
import { runDeep } from "./yaml-deep.js";

/** A Go int (signed) or uint64 (unsigned, only past int64's range). */
export class YamlInt {
  constructor(
    readonly value: bigint,
    readonly unsigned: boolean,
  ) {}
}

export type YamlValue = null | boolean | string | number | YamlInt | YamlValue[] | YamlMap;

/**
 * Go map identity of an interface{} key as a JS Map key: strings, bools, nil and floats as themselves (0 and -0
 * are one key in both), ints and uint64s as bigints (their ranges do not overlap), NaN never equal to itself.
 */
function keyId(k: YamlValue): unknown {
  if (k instanceof YamlInt) return k.value;
  if (typeof k === "number" && Number.isNaN(k)) return Symbol("NaN");
  // slices and maps are rejected as keys before they reach a map
  return typeof k === "object" && k !== null ? Symbol("collection") : k;
}

/** map[interface{}]interface{} (iterated in insertion order; Go's is random, callers do not depend on it). */
export class YamlMap {
  private readonly entries = new Map<unknown, [YamlValue, YamlValue]>();

  set(k: YamlValue, v: YamlValue): void {
    const id = keyId(k);
    const old = this.entries.get(id);
    if (old) old[1] = v;
    else this.entries.set(id, [k, v]);
  }

  get size(): number {
    return this.entries.size;
  }

  [Symbol.iterator](): IterableIterator<[YamlValue, YamlValue]> {
    return this.entries.values();
  }
}

/** fmt's %v of a float64 ("1e+21", "+Inf", "NaN"). */
export function goFloatText(f: number): string {
  return formatFloat(f, "g", -1);
}

/** Go's type name of a decoded value, for "%s" of its reflect.Type ("%!s(<nil>)" for nil). */
export function goTypeText(v: YamlValue): string {
  if (v === null) return "%!s(<nil>)";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (v instanceof YamlInt) return v.unsigned ? "uint64" : "int";
  return Array.isArray(v) ? "[]interface {}" : "map[interface {}]interface {}";
}

/**
 * Order of a map's keys in fmt's output (fmtsort): nil first, then by type, then by value. fmtsort orders types
 * by the address of their runtime type descriptor; this is the order the Go oracle's binary shows.
 */
const TYPE_ORDER = ["string", "uint64", "int", "float64", "bool"];

function compareKeys(a: YamlValue, b: YamlValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const ta = goTypeText(a);
  const tb = goTypeText(b);
  if (ta !== tb) return TYPE_ORDER.indexOf(ta) - TYPE_ORDER.indexOf(tb);
  if (typeof a === "string") return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (typeof a === "boolean") return Number(a) - Number(b as boolean);
  if (typeof a === "number") {
    const y = b as number;
    if (Number.isNaN(a) || Number.isNaN(y)) return Number.isNaN(a) ? (Number.isNaN(y) ? 0 : -1) : 1;
    return a < y ? -1 : a > y ? 1 : 0;
  }
  if (a instanceof YamlInt) {
    const y = (b as YamlInt).value;
    return a.value < y ? -1 : a.value > y ? 1 : 0;
  }
  return 0;
}

/** %#v of a decoded value; `inner` for one held in a slice or map (a nil there prints as "interface {}(nil)"). */
export function goSyntax(v: YamlValue, inner = false): string {
  return runDeep(goSyntaxStep, [v, inner]);
}

function* goSyntaxStep([v, inner]: [YamlValue, boolean]): Generator<[YamlValue, boolean], string, string> {
  if (v === null) return inner ? "interface {}(nil)" : "<nil>";
  switch (typeof v) {
    case "boolean":
      return String(v);
    case "string":
      return quote(v);
    case "number":
      return goFloatText(v);
  }
  if (v instanceof YamlInt) return v.unsigned ? `0x${v.value.toString(16)}` : v.value.toString();
  const parts: string[] = [];
  if (Array.isArray(v)) {
    for (const x of v) parts.push(yield [x, true]);
    return `[]interface {}{${parts.join(", ")}}`;
  }
  for (const [k, x] of [...v].sort(([a], [b]) => compareKeys(a, b))) {
    parts.push(`${yield [k, true]}:${yield [x, true]}`);
  }
  return `map[interface {}]interface {}{${parts.join(", ")}}`;
}
