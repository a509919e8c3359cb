/** Go encoding/json: Marshal (sorted keys, HTML escaping, MarshalIndent) and Unmarshal with Go's error messages. */

import { checkStringLength } from "../budget.js";
import { GoDuration } from "../go-duration.js";
import { GoInt, GoNamedInt } from "../go-ints.js";
import { GoTime } from "../go-time.js";
import { formatFloat, quote as goQuote } from "../strconv.js";
import { compareGoStrings, goTypeName, isMap, isNilSlice } from "../values.js";
import { goStringToBytes } from "./bytes.js";
import { formatTime, RFC3339NANO } from "./timefmt.js";

const HEX = "0123456789abcdef";

export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
        out += s[i];
        continue;
      }
      switch (c) {
        case 0x22:
          out += '\\"';
          break;
        case 0x5c:
          out += "\\\\";
          break;
        case 0x08:
          out += "\\b";
          break;
        case 0x0c:
          out += "\\f";
          break;
        case 0x0a:
          out += "\\n";
          break;
        case 0x0d:
          out += "\\r";
          break;
        case 0x09:
          out += "\\t";
          break;
        default:
          out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16)}`;
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c < 0xe000) {
      out += "\\ufffd";
      continue;
    }
    out += s[i];
  }
  return `${out}"`;
}

export class JsonError extends Error {}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new JsonError(`json: unsupported value: ${formatFloat(f, "g", -1)}`);
  const abs = Math.abs(f);
  let fmt: "e" | "f" = "f";
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = "e";
  let s = formatFloat(f, fmt, -1);
  if (fmt === "e") s = s.replace(/e-0(\d)$/, "e-$1");
  return s;
}

interface Opts {
  escapeHTML: boolean;
  indent: string;
  /** Pointer levels around the value (encoding/json counts them toward its cycle check). */
  outerLevels: number;
}

/** A scalar's JSON, or undefined for a list or map (which the caller walks). */
function encScalar(v: unknown, o: Opts): string | undefined {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return jsonString(v, o.escapeHTML);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return jsonFloat(v);
    case "function":
      throw new JsonError("json: unsupported type: func(...interface {}) interface {}");
  }
  if (v instanceof Uint8Array) return `"${Buffer.from(v).toString("base64")}"`;
  if (v instanceof GoTime) {
    const c = v.civil();
    if (c.year < 0 || c.year > 9999)
      throw new JsonError(
        "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]",
      );
    return `"${formatTime(v, RFC3339NANO)}"`;
  }
  if (v instanceof GoDuration) return v.ns.toString();
  if (v instanceof GoInt || v instanceof GoNamedInt) return v.n.toString();
  if (Array.isArray(v)) return isNilSlice(v) ? "null" : v.length === 0 ? "[]" : undefined;
  return undefined;
}

function entriesOf(v: object): [string, unknown][] {
  if (isMap(v))
    return Object.keys(v)
      .sort(compareGoStrings)
      .map((k) => [k, v[k]]);
  if (v instanceof Error) return [];
  return Object.entries(v as Record<string, unknown>).filter(([k]) => /^[A-Z]/.test(k));
}

/** encoding/json's startDetectingCyclesAfter: containers nested deeper are checked against those above them. */
const CYCLE_CHECK_DEPTH = 1000;

interface Frame {
  container: object;
  /** Array elements, or map entries as [key, value]. */
  items: unknown[] | [string, unknown][];
  isArray: boolean;
  next: number;
  tracked: boolean;
}

/**
 * Walks with an explicit stack (no recursion, so nesting depth is bounded by the output limit, not by the JS
 * stack) and, like Go, reports a cycle only once nesting passes CYCLE_CHECK_DEPTH containers.
 */
function enc(root: unknown, o: Opts): string {
  const out: string[] = [];
  let length = 0;
  const emit = (s: string) => {
    out.push(s);
    length += s.length;
    checkStringLength(length);
  };
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  const colon = o.indent ? ": " : ":";
  const newline = (depth: number) => (o.indent ? `\n${o.indent.repeat(depth)}` : "");
  const open = (v: unknown): void => {
    const scalar = encScalar(v, o);
    if (scalar !== undefined) {
      emit(scalar);
      return;
    }
    const container = v as object;
    const isArray = Array.isArray(container);
    // Go checks maps and slices from the 1,001st level on (a pointer around the root, as Sprig's toRawJson
    // passes, counts as a level) and names the first one it meets twice
    const tracked = stack.length + o.outerLevels >= CYCLE_CHECK_DEPTH;
    if (tracked) {
      if (onPath.has(container)) {
        throw new JsonError(`json: unsupported value: encountered a cycle via ${goTypeName(container)}`);
      }
      onPath.add(container);
    }
    const items = isArray ? (container as unknown[]) : entriesOf(container);
    if (!isArray && items.length === 0) {
      if (tracked) onPath.delete(container);
      emit("{}");
      return;
    }
    emit(isArray ? "[" : "{");
    stack.push({ container, items, isArray, next: 0, tracked });
  };
  open(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.next === f.items.length) {
      stack.pop();
      if (f.tracked) onPath.delete(f.container);
      emit(newline(stack.length) + (f.isArray ? "]" : "}"));
      continue;
    }
    const i = f.next++;
    const sep = (i > 0 ? "," : "") + newline(stack.length);
    if (f.isArray) {
      emit(sep);
      open(f.items[i]);
    } else {
      const [k, x] = f.items[i] as [string, unknown];
      emit(sep + jsonString(k, o.escapeHTML) + colon);
      open(x);
    }
  }
  return out.join("");
}

/**
 * json.Marshal (escapeHTML) / json.MarshalIndent(v, "", indent) / Encoder without HTML escaping; `outerLevels`
 * is 1 for a value passed by pointer (Sprig's toRawJson encodes &v).
 */
export function goJsonMarshal(v: unknown, escapeHTML = true, indent = "", outerLevels = 0): string {
  return enc(v, { escapeHTML, indent, outerLevels });
}

// ------------------------------------------------------------------ decoding

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

/** encoding/json's maxNestingDepth. */
const MAX_NESTING_DEPTH = 10000;

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  err(ctx: string): never {
    if (this.i >= this.s.length) throw new JsonError("unexpected end of JSON input");
    // Go's scanner names the offending byte: the first byte of a UTF-8 sequence, read as Latin-1
    const c = String.fromCodePoint(this.s.codePointAt(this.i)!);
    const byte = c.charCodeAt(0) < 0x80 ? c : String.fromCharCode(goStringToBytes(c)[0]!);
    throw new JsonError(`invalid character ${quoteChar(byte)} ${ctx}`);
  }
  ws(): void {
    while (this.i < this.s.length && " \t\r\n".includes(this.s[this.i]!)) this.i++;
  }
  /**
   * One value, with an explicit stack of open arrays and objects (no recursion: the depth is bounded by Go's
   * maxNestingDepth, not by the JS stack).
   */
  value(): unknown {
    const stack: ({ arr: unknown[] } | { obj: Record<string, unknown>; key: string })[] = [];
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      let v: unknown;
      if (c === "[" || c === "{") {
        if (stack.length >= MAX_NESTING_DEPTH) this.err("exceeded max depth");
        this.i++;
        this.ws();
        if (c === "[") {
          if (this.s[this.i] !== "]") {
            stack.push({ arr: [] });
            continue;
          }
          this.i++;
          v = [];
        } else {
          if (this.s[this.i] !== "}") {
            stack.push({ obj: {}, key: this.key() });
            continue;
          }
          this.i++;
          v = {};
        }
      } else v = this.scalar(c);
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top) return v;
        if ("arr" in top) top.arr.push(v);
        else top.obj[top.key] = v;
        this.ws();
        const d = this.s[this.i];
        if (d === ",") {
          this.i++;
          if ("obj" in top) top.key = this.key();
          break;
        }
        if (d === ("arr" in top ? "]" : "}")) {
          this.i++;
          stack.pop();
          v = "arr" in top ? top.arr : top.obj;
          continue;
        }
        this.err("arr" in top ? "after array element" : "after object key:value pair");
      }
    }
  }
  /** An object key and its colon. */
  key(): string {
    this.ws();
    if (this.s[this.i] !== '"') this.err("looking for beginning of object key string");
    const k = this.string();
    this.ws();
    if (this.s[this.i] !== ":") this.err("after object key");
    this.i++;
    return k;
  }
  scalar(c: string | undefined): unknown {
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [lit, val] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (c === lit[0]) {
        for (let k = 1; k < lit.length; k++) {
          this.i++;
          if (this.s[this.i] !== lit[k]) this.err(`in literal ${lit} (expecting '${lit[k]}')`);
        }
        this.i++;
        return val;
      }
    }
    return this.err("looking for beginning of value");
  }
  string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.err("");
      if (c === '"') break;
      if (c === "\\") {
        this.i++;
        const e = this.s[this.i];
        if (e === "u") {
          for (let k = 1; k <= 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(this.s[this.i] ?? "")) this.err("in \\u hexadecimal character escape");
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) this.err("in string escape code");
        this.i++;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.err("in string literal");
      this.i++;
    }
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }
  number(): number {
    const start = this.i;
    if (this.s[this.i] === "-") {
      this.i++;
      if (!/[0-9]/.test(this.s[this.i] ?? "")) this.err("in numeric literal");
    }
    if (this.s[this.i] === "0") this.i++;
    else while (/[0-9]/.test(this.s[this.i] ?? "")) this.i++;
    if (this.s[this.i] === ".") {
      this.i++;
      if (!/[0-9]/.test(this.s[this.i] ?? "")) this.err("after decimal point in numeric literal");
      while (/[0-9]/.test(this.s[this.i] ?? "")) this.i++;
    }
    if (this.s[this.i] === "e" || this.s[this.i] === "E") {
      this.i++;
      if (this.s[this.i] === "+" || this.s[this.i] === "-") this.i++;
      if (!/[0-9]/.test(this.s[this.i] ?? "")) this.err("in exponent of numeric literal");
      while (/[0-9]/.test(this.s[this.i] ?? "")) this.i++;
    }
    return Number(this.s.slice(start, this.i));
  }
}

/** json.Unmarshal into interface{}: objects → maps, arrays → slices, numbers → float64. */
export function goJsonUnmarshal(s: string): unknown {
  const p = new Parser(s);
  const v = p.value();
  p.ws();
  if (p.i < s.length) p.err("after top-level value");
  return v;
}
