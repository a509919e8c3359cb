/** time.Duration: a signed count of nanoseconds, printed as Go's Duration.String does. */
import { toInt64 } from "./go-ints.js";

export const NANOSECOND = 1n;
export const MICROSECOND = 1000n * NANOSECOND;
export const MILLISECOND = 1000n * MICROSECOND;
export const SECOND = 1000n * MILLISECOND;

export class GoDuration {
  readonly ns: bigint;
  constructor(ns: bigint) {
    this.ns = toInt64(ns);
  }
  toString(): string {
    return formatDuration(this.ns);
  }
}

function fracPart(v: bigint, digits: number): string {
  // v < 10^digits; print as .ddd with trailing zeros trimmed, or "" if zero
  if (v === 0n) return "";
  const s = v.toString().padStart(digits, "0").replace(/0+$/, "");
  return `.${s}`;
}

export function formatDuration(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    if (u < MICROSECOND) out = `${u}ns`;
    else if (u < MILLISECOND) out = `${u / MICROSECOND}${fracPart(u % MICROSECOND, 3)}µs`;
    else out = `${u / MILLISECOND}${fracPart(u % MILLISECOND, 6)}ms`;
  } else {
    const secs = `${(u / SECOND) % 60n}${fracPart(u % SECOND, 9)}s`;
    u /= SECOND;
    if (u >= 60n) {
      const mins = (u / 60n) % 60n;
      const hours = u / 3600n;
      out = hours > 0n ? `${hours}h${mins}m${secs}` : `${mins}m${secs}`;
    } else out = secs;
  }
  return neg ? `-${out}` : out;
}
