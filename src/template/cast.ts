/** spf13/cast's ToInt64 and ToFloat64 (Sprig's toInt64, toFloat64 and its arithmetic) and the parsers they use. */
import { GoInt, GoNamedInt, INT64_MAX, INT64_MIN, toInt64 } from "./go-ints.js";
import { underscoreOK } from "./strconv.js";

function parseGoInt(s: string): bigint | undefined {
  // strconv.ParseInt(s, 0, 64): optional sign, 0x/0o/0b/0 prefixes, underscores only with a prefix.
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  let body = m[2]!;
  if (body.includes("_")) {
    if (!/^0/.test(body) || /__|_$/.test(body)) return undefined;
    body = body.replace(/_/g, "");
  }
  let n: bigint;
  if (/^0[xXoObB]/.test(body)) {
    if (body.length === 2) return undefined;
    const p = body[1]!.toLowerCase();
    n = BigInt(`0${p}${body.slice(2)}`);
  } else if (body.length > 1 && body[0] === "0") n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  n *= sign;
  if (n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

function trimZeroDecimal(s: string): string {
  // cast's trimZeroDecimal: "12.000" → "12"
  const m = /^(.*?)\.0+$/.exec(s);
  return m && m[1] !== "" ? m[1]! : s;
}

/** cast.ToInt64E; returns undefined when cast would report an error. */
export function castToInt64E(v: unknown): bigint | undefined {
  if (v === null || v === undefined) return 0n;
  switch (typeof v) {
    case "bigint":
      return toInt64(v);
    case "number":
      // Go's int64(f) on amd64: NaN, infinities and values out of range become math.MinInt64
      if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) return INT64_MIN;
      return BigInt(Math.trunc(v));
    case "boolean":
      return v ? 1n : 0n;
    case "string":
      return parseGoInt(trimZeroDecimal(v));
  }
  // cast's toInt knows time.Month and time.Weekday; a time.Duration is none of the types it switches on
  if (v instanceof GoInt || v instanceof GoNamedInt) return v.n;
  return undefined;
}

export function castToInt64(v: unknown): bigint {
  return castToInt64E(v) ?? 0n;
}

/** cast.ToFloat64E; returns undefined when cast would report an error. */
export function castToFloat64E(v: unknown): number | undefined {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      // ParseFloat's range error (±Inf for a finite literal too large) is an error to cast
      const f = parseGoFloat(v);
      return f !== undefined && !Number.isFinite(f) && !/inf|nan/i.test(v) ? undefined : f;
    }
  }
  if (v instanceof GoInt || v instanceof GoNamedInt) return Number(v.n);
  return undefined;
}

export function castToFloat64(v: unknown): number {
  return castToFloat64E(v) ?? 0;
}

/** strconv.ParseFloat(s, 64) accepting Go's syntax (decimal, hex floats, inf, nan, underscores after a base prefix). */
export function parseGoFloat(s: string): number | undefined {
  let t = s.toLowerCase();
  if (t.includes("_")) {
    if (!underscoreOK(t)) return undefined;
    t = t.replace(/_/g, "");
  }
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (t === "nan") return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  const hx = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)p([+-]?\d+)$/.exec(t);
  if (hx && (hx[2] !== "" || hx[3] !== "")) {
    const mant = Number.parseInt(hx[2]! + hx[3]! || "0", 16);
    const val = mant * 2 ** (Number(hx[4]) - 4 * hx[3]!.length);
    return hx[1] === "-" ? -val : val;
  }
  return undefined;
}
