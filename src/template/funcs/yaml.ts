/**
 * ESO's toYaml/fromYaml (sigs.k8s.io/yaml): values go through Go's JSON encoding, then are emitted in
 * go-yaml v2 style (sorted keys, unindented sequences, quoting of ambiguous scalars, literal blocks).
 */
import { parse as parseYaml, type Tags } from "yaml";
import { formatFloat } from "../strconv.js";
import { type GoMap, isMap } from "../values.js";
import { goJsonMarshal } from "./json.js";

/** JSON text → a tree whose numbers keep their JSON spelling. */
type JNode = null | boolean | { num: string } | string | JNode[] | { obj: [string, JNode][] };

function parseJsonTree(s: string): JNode {
  let i = 0;
  const ws = () => {
    while (i < s.length && " \t\r\n".includes(s[i]!)) i++;
  };
  const val = (): JNode => {
    ws();
    const c = s[i]!;
    if (c === "{") {
      i++;
      const obj: [string, JNode][] = [];
      ws();
      if (s[i] === "}") {
        i++;
        return { obj };
      }
      for (;;) {
        ws();
        const k = val() as string;
        ws();
        i++; // :
        obj.push([k, val()]);
        ws();
        if (s[i++] === "}") return { obj };
      }
    }
    if (c === "[") {
      i++;
      const arr: JNode[] = [];
      ws();
      if (s[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(val());
        ws();
        if (s[i++] === "]") return arr;
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (s[i] !== '"') i += s[i] === "\\" ? 2 : 1;
      i++;
      return JSON.parse(s.slice(start, i)) as string;
    }
    const m = /^(true|false|null|-?[0-9.eE+-]+)/.exec(s.slice(i))!;
    i += m[0].length;
    if (m[0] === "true") return true;
    if (m[0] === "false") return false;
    if (m[0] === "null") return null;
    return { num: m[0] };
  };
  return val();
}

const YAML11_SPECIAL = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
  "<<",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  ".nan",
  ".NaN",
  ".NAN",
]);

/** Whether go-yaml v2 would resolve the plain scalar to something other than a string. */
function resolvesNonString(s: string): boolean {
  if (YAML11_SPECIAL.has(s)) return true;
  const t = s.replace(/_/g, "");
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(t)) return true;
  // strconv.ParseInt(s, 0, 64): 0b, 0o, 0x in either case, and a leading 0 for octal
  if (/^[-+]?0[bB][01]+$/.test(t) || /^[-+]?0[xX][0-9a-fA-F]+$/.test(t) || /^[-+]?0[oO]?[0-7]+$/.test(t)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(t)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true;
  return isTimestamp(s);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** go-yaml v2's timestamp forms (2006-1-2, 2006-1-2T15:4:5.999999999Z07:00, 2006-1-2 15:4:5.999999999). */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 29 && !leap) return false;
  const [h, mi, sec] = m[4] !== undefined ? [m[4], m[5], m[6]] : [m[7], m[8], m[9]];
  if (h === undefined) return true;
  return Number(h) < 24 && Number(mi) < 60 && Number(sec) < 60;
}

function plainAllowed(s: string): boolean {
  if (s === "") return false;
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/: |:$| #|\t/.test(s)) return false;
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (s.startsWith("---") || s.startsWith("...")) return false;
  return true;
}

function doubleQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c === 0) out += "\\0";
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c === 9) out += "\\t";
    else if (c === 10) out += "\\n";
    else if (c === 11) out += "\\v";
    else if (c === 12) out += "\\f";
    else if (c === 13) out += "\\r";
    else if (c === 27) out += "\\e";
    else if (c === 0x85) out += "\\N";
    else if (c === 0x2028) out += "\\L";
    else if (c === 0x2029) out += "\\P";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`;
    // go-yaml escapes what it does not consider printable: the BOM and everything past the BMP
    else if (c === 0xfeff) out += "\\uFEFF";
    else if (c > 0xffff) out += `\\U${c.toString(16).toUpperCase().padStart(8, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function scalarString(s: string, indent: string, isKey: boolean, column = 0): string {
  const astral = /[\u{10000}-\u{10ffff}]/u.test(s);
  // go-yaml allows no block scalar with a trailing space or a space before a break: those go in double quotes
  const spaceTrouble = / \n/.test(s) || s.endsWith(" ");
  if (!isKey && s.includes("\n") && !astral && !spaceTrouble && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)) {
    let chomp = "-";
    // go-yaml keeps ("+") a final break that follows another break or is the whole value
    if (s.endsWith("\n")) chomp = s === "\n" || /\n\n+$/.test(s) ? "+" : "";
    const ind = s.startsWith(" ") || s.startsWith("\n") ? "2" : "";
    const body = s.endsWith("\n") ? s.slice(0, -1) : s;
    const lines = body.split("\n").map((l) => (l === "" ? "" : `${indent}  ${l}`));
    return `|${ind}${chomp}\n${lines.join("\n")}`;
  }
  const fold = isKey ? undefined : { column, indent: `${indent}  ` };
  if (resolvesNonString(s) || astral) return foldLine(doubleQuote(s), "double", fold);
  if (/[\n\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(s)) return foldLine(doubleQuote(s), "double", fold);
  if (plainAllowed(s)) return foldLine(s, "plain", fold);
  return foldLine(`'${s.replace(/'/g, "''")}'`, "single", fold);
}

/** go-yaml's emitter width: a scalar's line is broken at the first single space past this column. */
const BEST_WIDTH = 80;

/**
 * go-yaml's line folding of flow scalars (plain, single- and double-quoted) that are not keys: past column 80, a
 * single space (not the first or last character of a quoted value) becomes a line break and the scalar's
 * indentation; in double quotes a break before a further space ends in a backslash. `text` is the scalar as
 * written (quotes and escapes included; escapes never contain a space), starting at `fold.column`.
 */
function foldLine(
  text: string,
  style: "plain" | "single" | "double",
  fold?: { column: number; indent: string },
): string {
  if (!fold || !text.includes(" ")) return text;
  const chars = Array.from(text);
  const quoted = style !== "plain";
  let out = "";
  let column = fold.column;
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch !== " ") {
      out += ch;
      column++;
      spaces = false;
      continue;
    }
    const inner = !quoted || (i > 1 && i < chars.length - 2);
    const nextIsSpace = chars[i + 1] === " ";
    if (!spaces && column > BEST_WIDTH && inner && (style === "double" || !nextIsSpace)) {
      out += `\n${fold.indent}`;
      column = fold.indent.length;
      if (style === "double" && nextIsSpace) {
        out += "\\";
        column++;
      }
    } else {
      out += ch;
      column++;
    }
    spaces = true;
  }
  return out;
}

function numberText(n: string): string {
  if (/^-?\d+$/.test(n)) {
    const b = BigInt(n);
    if (b >= -(1n << 63n) && b < 1n << 64n) return n;
  }
  return formatFloat(Number(n), "g", -1);
}

function isBlockCollection(n: JNode): boolean {
  if (Array.isArray(n)) return n.length > 0;
  return n !== null && typeof n === "object" && "obj" in n && n.obj.length > 0;
}

/** `column`: where the node's text starts on its first line (for line folding). */
function emit(n: JNode, indent: string, column = 0): string {
  if (n === null) return "null";
  if (typeof n === "boolean") return n ? "true" : "false";
  if (typeof n === "string") return scalarString(n, indent, false, column);
  if (Array.isArray(n)) {
    if (n.length === 0) return "[]";
    return n
      .map((x, i) => {
        const pre = i === 0 ? "" : indent;
        if (typeof x === "string") return `${pre}- ${scalarString(x, indent, false, indent.length + 2)}`;
        return `${pre}- ${emit(x, `${indent}  `, indent.length + 2)}`;
      })
      .join("\n");
  }
  if ("num" in n) return numberText(n.num);
  if (n.obj.length === 0) return "{}";
  return [...n.obj]
    .sort((a, b) => (keyLess(a[0], b[0]) ? -1 : keyLess(b[0], a[0]) ? 1 : 0))
    .map(([k, v], i) => {
      const pre = i === 0 ? "" : indent;
      const key = scalarString(k, indent, true);
      if (Array.isArray(v) && v.length > 0) return `${pre}${key}:\n${indent}${emit(v, indent)}`;
      if (isBlockCollection(v)) return `${pre}${key}:\n${indent}  ${emit(v, `${indent}  `)}`;
      return `${pre}${key}: ${emit(v, indent, indent.length + Array.from(key).length + 2)}`;
    })
    .join("\n");
}

/** ESO toYaml: empty string on marshal errors, trailing newline trimmed. */
export function toYaml(v: unknown): string {
  let json: string;
  try {
    json = goJsonMarshal(v);
  } catch {
    return "";
  }
  return emit(parseJsonTree(json), "");
}

function toGoJsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString().replace(".000Z", "Z");
  if (Array.isArray(v)) return v.map(toGoJsonValue);
  if (v instanceof Map) {
    const out: GoMap = {};
    for (const [k, x] of v) out[String(k)] = toGoJsonValue(x);
    return out;
  }
  if (typeof v === "object") {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = toGoJsonValue(x);
    return out;
  }
  return v;
}

function goKindWord(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  return "object";
}

const YAML11_FLOAT = String.raw`^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$`;

/**
 * go-yaml v2's floats with a point: after a leading "." strconv.ParseFloat (no underscores), after a sign or digit
 * its float pattern on the text without underscores. ".", "-.", "._" and "._1" stay strings (the yaml package's
 * YAML 1.1 schema reads them as NaN or numbers).
 */
const GO_FLOAT = /^(?:\.[0-9]+|[-+](?=[_.]*[0-9])[0-9_]*\.[0-9_]*|[0-9][0-9_]*\.[0-9_]*)$/;

function goYamlFloats(tags: Tags): Tags {
  return tags.map((t) =>
    typeof t === "object" && "test" in t && t.test?.source === YAML11_FLOAT
      ? ({ ...t, test: GO_FLOAT } as typeof t)
      : t,
  ) as Tags;
}

/** ESO fromYaml: a map; parse errors land in m["Error"]. */
export function fromYaml(s: string): GoMap {
  let parsed: unknown;
  try {
    parsed = parseYaml(s, {
      schema: "yaml-1.1",
      mapAsMap: false,
      uniqueKeys: false,
      prettyErrors: false,
      customTags: goYamlFloats,
    });
  } catch (e) {
    return { Error: `error converting YAML to JSON: yaml: ${(e as Error).message.split("\n")[0]}` };
  }
  const v = toGoJsonValue(parsed);
  if (v === null) return {};
  if (!isMap(v)) {
    return {
      Error: `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goKindWord(v)} into Go value of type map[string]interface {}`,
    };
  }
  return v;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** go-yaml v2's key order (keyList.Less): letters after other characters, digit runs compared as numbers. */
function keyLess(x: string, y: string): boolean {
  const a = Array.from(x);
  const b = Array.from(y);
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] === b[i]) continue;
    const al = LETTER.test(a[i]!);
    const bl = LETTER.test(b[i]!);
    if (al && bl) return a[i]!.codePointAt(0)! < b[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (a[i] === "0" || b[i] === "0") {
      for (let j = i - 1; j >= 0 && DIGIT.test(a[j]!); j--) {
        if (a[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < a.length && DIGIT.test(a[ai]!); ai++) an = an * 10 + (a[ai]!.codePointAt(0)! - 48);
    for (; bi < b.length && DIGIT.test(b[bi]!); bi++) bn = bn * 10 + (b[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return a[i]!.codePointAt(0)! < b[i]!.codePointAt(0)!;
  }
  return a.length < b.length;
}
