/**
 * What sigs.k8s.io/yaml does between go-yaml and the map fromYaml returns: map keys to strings
 * (convertToJSONableObject: floats through float32 formatting, "unsupported map key" for nil and uint64 keys),
 * json.Marshal (NaN and ±Inf are unsupported values, met in sorted key order; invalid UTF-8 becomes U+FFFD) and
 * json.Unmarshal into map[string]interface{} (every number a float64).
 */

import { formatFloat } from "../strconv.js";
import { compareGoStrings, type GoMap } from "../values.js";
import { runDeep } from "./yaml-deep.js";
import { goFloatText, goSyntax, goTypeText, YamlInt, YamlMap, type YamlValue } from "./yaml-values.js";

/** A failure sigs.k8s.io/yaml reports as "error converting YAML to JSON: <message>". */
export class YamlToJsonError extends Error {}

/** A failure it reports as "error unmarshaling JSON: while decoding JSON: <message>". */
export class JsonDecodeError extends Error {}

/** strconv.FormatFloat(f, 'g', -1, 32), spelled as go-yaml spells infinities and NaN. */
function float32Key(f: number): string {
  const f32 = Math.fround(f);
  if (Number.isNaN(f32)) return ".nan";
  if (f32 === Number.POSITIVE_INFINITY) return ".inf";
  if (f32 === Number.NEGATIVE_INFINITY) return "-.inf";
  if (f32 === 0) return Object.is(f32, -0) ? "-0" : "0";
  for (let digits = 1; digits <= 9; digits++) {
    const s = f32.toPrecision(digits);
    if (Math.fround(Number(s)) === f32) return formatFloat(Number(s), "g", -1);
  }
  return formatFloat(f32, "g", -1);
}

function keyString(k: YamlValue, v: YamlValue): string {
  if (typeof k === "string") return k;
  if (typeof k === "boolean") return String(k);
  if (typeof k === "number") return float32Key(k);
  if (k instanceof YamlInt && !k.unsigned) return k.value.toString();
  throw new YamlToJsonError(
    `unsupported map key of type: ${goTypeText(k)}, key: ${goSyntax(k)}, value: ${goSyntax(v)}`,
  );
}

/** What encoding/json writes for a string that is not valid UTF-8: each stray byte as U+FFFD. */
function jsonText(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function setKey(m: GoMap, k: string, v: unknown): void {
  if (k === "__proto__")
    Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

function* convert(v: YamlValue): Generator<YamlValue, unknown, unknown> {
  if (v instanceof YamlMap) {
    const out: GoMap = {};
    for (const [k, x] of v) {
      const key = jsonText(keyString(k, x));
      setKey(out, key, yield x);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) out.push(yield x);
    return out;
  }
  if (v instanceof YamlInt) return Number(v.value);
  return typeof v === "string" ? jsonText(v) : v;
}

/** encoding/json's decoder refuses JSON nested deeper than this. */
const MAX_JSON_DEPTH = 10000;

/**
 * What json.Marshal then json.Unmarshal would stop at, met in the JSON text's order (maps by sorted key): the first
 * NaN or infinity (a marshal error, so it comes first), else the first collection nested too deep.
 */
function jsonTrouble(root: unknown, ordered: boolean): { float?: number; deep?: "[" | "{" } {
  const found: { float?: number; deep?: "[" | "{" } = {};
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0 && found.float === undefined) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) found.float = v;
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth > MAX_JSON_DEPTH) found.deep ??= Array.isArray(v) ? "[" : "{";
    const children = Array.isArray(v)
      ? v
      : (ordered ? Object.keys(v).sort(compareGoStrings) : Object.keys(v)).map((k) => (v as GoMap)[k]);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
  return found;
}

/** The decoded YAML as the value json.Unmarshal gives back (maps, slices, float64s, strings, bools, nil). */
export function yamlToJsonValue(v: YamlValue): unknown {
  const out = runDeep(convert, v);
  const { float, deep } = jsonTrouble(out, false);
  if (float !== undefined || deep !== undefined) {
    const first = jsonTrouble(out, true);
    if (first.float !== undefined) throw new YamlToJsonError(`json: unsupported value: ${goFloatText(first.float)}`);
    throw new JsonDecodeError(`invalid character '${first.deep}' exceeded max depth`);
  }
  return out;
}
