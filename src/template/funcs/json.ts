/** Go encoding/json: Marshal (sorted keys, HTML escaping, MarshalIndent) and Unmarshal with Go's error messages. */

import { GoDuration } from "../go-duration.js";
import { GoInt, GoNamedInt } from "../go-ints.js";
import { GoTime } from "../go-time.js";
import { formatFloat, quote as goQuote } from "../strconv.js";
import { compareGoStrings, isMap, isNilSlice } from "../values.js";
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
}

function enc(v: unknown, o: Opts, depth: number): string {
  if (depth > 1000) throw new JsonError("json: unsupported value: encountered a cycle");
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
  const nl = o.indent ? `\n${o.indent.repeat(depth + 1)}` : "";
  const close = o.indent ? `\n${o.indent.repeat(depth)}` : "";
  const colon = o.indent ? ": " : ":";
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
  if (Array.isArray(v)) {
    if (isNilSlice(v)) return "null";
    if (v.length === 0) return "[]";
    return `[${v.map((x) => nl + enc(x, o, depth + 1)).join(",")}${close}]`;
  }
  let entries: [string, unknown][];
  if (isMap(v))
    entries = Object.keys(v)
      .sort(compareGoStrings)
      .map((k) => [k, v[k]]);
  else if (v instanceof Error) entries = [];
  else entries = Object.entries(v as Record<string, unknown>).filter(([k]) => /^[A-Z]/.test(k));
  if (entries.length === 0) return "{}";
  return `{${entries.map(([k, x]) => nl + jsonString(k, o.escapeHTML) + colon + enc(x, o, depth + 1)).join(",")}${close}}`;
}

/** json.Marshal (escapeHTML) / json.MarshalIndent(v, "", indent) / Encoder without HTML escaping. */
export function goJsonMarshal(v: unknown, escapeHTML = true, indent = ""): string {
  return enc(v, { escapeHTML, indent }, 0);
}

// ------------------------------------------------------------------ decoding

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  err(ctx: string): never {
    if (this.i >= this.s.length) throw new JsonError("unexpected end of JSON input");
    const c = String.fromCodePoint(this.s.codePointAt(this.i)!);
    throw new JsonError(`invalid character ${quoteChar(c)} ${ctx}`);
  }
  ws(): void {
    while (this.i < this.s.length && " \t\r\n".includes(this.s[this.i]!)) this.i++;
  }
  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
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
  object(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.err("looking for beginning of object key string");
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.err("after object key");
      this.i++;
      out[k] = this.value();
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      this.err("after object key:value pair");
    }
  }
  array(): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      this.err("after array element");
    }
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
