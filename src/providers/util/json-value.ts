/**
 * A JSON parser that keeps each value's raw source text, as gjson does: selecting an object or array
 * yields the exact text of the input (whitespace included), and numbers keep their written form.
 */

export type JsonValue =
  | { type: "string"; raw: string; str: string }
  | { type: "number"; raw: string; num: number }
  | { type: "true" | "false" | "null"; raw: string }
  | { type: "object"; raw: string; entries: [string, JsonValue][] }
  | { type: "array"; raw: string; items: JsonValue[] };

class JsonSyntaxError extends Error {}

/** Parses a JSON document; returns undefined when the text is not valid JSON. */
export function parseJson(text: string): JsonValue | undefined {
  const parser = new Parser(text);
  try {
    parser.skipSpace();
    const value = parser.value();
    parser.skipSpace();
    if (parser.pos !== text.length) return undefined;
    return value;
  } catch (err) {
    if (err instanceof JsonSyntaxError) return undefined;
    throw err;
  }
}

const MAX_DEPTH = 1000;

class Parser {
  pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  value(): JsonValue {
    const t = this.text;
    const start = this.pos;
    const c = t[this.pos];
    switch (c) {
      case "{":
        return this.object();
      case "[":
        return this.array();
      case '"': {
        const str = this.string();
        return { type: "string", raw: t.slice(start, this.pos), str };
      }
      case "t":
        return this.literal("true");
      case "f":
        return this.literal("false");
      case "n":
        return this.literal("null");
      default:
        return this.number();
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep");
  }

  private object(): JsonValue {
    const start = this.pos;
    this.enter();
    this.pos++;
    const entries: [string, JsonValue][] = [];
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
    } else {
      for (;;) {
        this.skipSpace();
        if (this.text[this.pos] !== '"') throw new JsonSyntaxError("expected key");
        const key = this.string();
        this.skipSpace();
        if (this.text[this.pos] !== ":") throw new JsonSyntaxError("expected colon");
        this.pos++;
        this.skipSpace();
        entries.push([key, this.value()]);
        this.skipSpace();
        const sep = this.text[this.pos++];
        if (sep === "}") break;
        if (sep !== ",") throw new JsonSyntaxError("expected comma");
      }
    }
    this.depth--;
    return { type: "object", raw: this.text.slice(start, this.pos), entries };
  }

  private array(): JsonValue {
    const start = this.pos;
    this.enter();
    this.pos++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
    } else {
      for (;;) {
        this.skipSpace();
        items.push(this.value());
        this.skipSpace();
        const sep = this.text[this.pos++];
        if (sep === "]") break;
        if (sep !== ",") throw new JsonSyntaxError("expected comma");
      }
    }
    this.depth--;
    return { type: "array", raw: this.text.slice(start, this.pos), items };
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    let hasEscape = false;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === "\\") {
        hasEscape = true;
        this.pos += 2;
        continue;
      }
      if (c === '"') {
        this.pos++;
        const raw = t.slice(start, this.pos);
        if (!hasEscape) return raw.slice(1, -1);
        try {
          return JSON.parse(raw) as string;
        } catch {
          throw new JsonSyntaxError("bad string escape");
        }
      }
      if (t.charCodeAt(this.pos) < 0x20) throw new JsonSyntaxError("control character in string");
      this.pos++;
    }
    throw new JsonSyntaxError("unterminated string");
  }

  private literal(word: "true" | "false" | "null"): JsonValue {
    if (!this.text.startsWith(word, this.pos)) throw new JsonSyntaxError("bad literal");
    this.pos += word.length;
    return { type: word, raw: word };
  }

  private number(): JsonValue {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) throw new JsonSyntaxError("unexpected character");
    this.pos += m[0].length;
    return { type: "number", raw: m[0], num: Number(m[0]) };
  }
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-tripping digits, never an exponent. */
export function formatFloatF(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  if (Object.is(n, -0)) return "-0";
  const exp = n.toExponential();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp);
  if (!m) return String(n);
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? "");
  const e = Number(m[4]);
  const pointAt = e + 1;
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return sign + digits + "0".repeat(pointAt - digits.length);
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** gjson's Result.String(): strings unquoted, integers as written, other numbers re-formatted, JSON raw. */
export function jsonValueString(v: JsonValue): string {
  switch (v.type) {
    case "string":
      return v.str;
    case "number":
      return /^-?\d+$/.test(v.raw) ? v.raw : formatFloatF(v.num);
    case "true":
      return "true";
    case "false":
      return "false";
    case "null":
      return "";
    default:
      return v.raw;
  }
}
