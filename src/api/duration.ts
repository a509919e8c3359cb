/**
 * Go's time.ParseDuration and Duration.String, so refresh intervals mean exactly what they mean in ESO:
 * "1h30m", "15s", "1.5h", "300ms", "-2m", and the bare "0".
 */

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const MAX_NS = 2 ** 63 - 1;

export class DurationError extends Error {
  override readonly name = "DurationError";
}

/** Parses a Go duration into nanoseconds. Throws DurationError naming the input when invalid. */
export function parseDurationNanos(text: string): number {
  const invalid = () => new DurationError(`invalid duration "${text}"`);
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s[0] === "-" ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let total = 0;
  const component = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  while (s.length > 0) {
    const m = component.exec(s);
    if (!m) throw invalid();
    const [whole, intPart = "", fracPart, unitText = ""] = m;
    if (intPart === "" && (fracPart === undefined || fracPart === "")) throw invalid();
    const unit = UNIT_NS[unitText];
    if (unit === undefined) throw new DurationError(`unknown unit "${unitText}" in duration "${text}"`);
    const value = Number(intPart || "0") + (fracPart ? Number(`0.${fracPart}`) : 0);
    total += value * unit;
    if (total > MAX_NS) throw invalid();
    s = s.slice(whole.length);
  }
  return sign * Math.round(total);
}

/** Parses a Go duration into milliseconds (fractional below 1 ms). */
export function parseDuration(text: string): number {
  return parseDurationNanos(text) / 1e6;
}

/** True when `text` parses as a Go duration. */
export function isDuration(text: string): boolean {
  try {
    parseDurationNanos(text);
    return true;
  } catch {
    return false;
  }
}

/** Go's Duration.String for a duration in milliseconds: "1h0m0s", "1m30s", "500ms", "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${trim(rest)}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = `${trim(rest / 1000)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** A field that must be a Go duration: no issue, or one naming the path and the accepted forms. */
export function durationIssues(value: unknown, path: string): { path: string; message: string }[] {
  if (typeof value !== "string") return [];
  try {
    parseDurationNanos(value);
    return [];
  } catch (err) {
    return [{ path, message: `${(err as Error).message} (Go duration such as 1h, 30m, 1h30m, 15s or 0)` }];
  }
}
