/** Helpers shared by the function library: Sprig's conversions of untyped values, lists, Go panics, byte slicing. */

import { castToFloat64, castToInt64 } from "../cast.js";
import { GoInt } from "../go-ints.js";
import { formatValue } from "../values.js";
import { bytesToGoString, goStringToBytes } from "./bytes.js";

/** Sprig's strval: strings and bytes as text, errors by message, anything else with %v. */
export function strval(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return bytesToGoString(v);
  if (v instanceof Error) return v.message;
  return formatValue(v);
}

/** Sprig's toInt64 (spf13/cast). */
export function toInt64(v: unknown): bigint {
  return castToInt64(v);
}

export function toFloat64(v: unknown): number {
  return castToFloat64(v);
}

/** Whether a value is a Go slice or array. */
export function isList(v: unknown): v is unknown[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

/** Elements of a slice value ([]byte yields its bytes as uint8 values). */
export function listItems(v: unknown[] | Uint8Array): unknown[] {
  return Array.isArray(v) ? v : Array.from(v, (b) => new GoInt(BigInt(b), "uint8"));
}

/** A Go runtime panic message turned into an error (text/template reports recovered panics as errors). */
export function panicError(msg: string): Error {
  return new Error(msg);
}

/** Go string slicing s[a:b] on UTF-8 bytes, with Go's bounds check. */
export function byteSlice(s: string, start: number, end?: number): string {
  const b = goStringToBytes(s);
  const e = end ?? b.length;
  if (start < 0 || e < start || e > b.length) {
    if (e > b.length) throw panicError(`runtime error: slice bounds out of range [:${e}] with length ${b.length}`);
    if (start < 0) throw panicError(`runtime error: slice bounds out of range [${start}:]`);
    throw panicError(`runtime error: slice bounds out of range [${start}:${e}]`);
  }
  if (start === 0 && e === b.length) return s;
  return bytesToGoString(b.subarray(start, e));
}

export function byteLen(s: string): number {
  return goStringToBytes(s).length;
}
