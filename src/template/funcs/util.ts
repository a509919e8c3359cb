/**
 * Argument handling shared by the function library: Go's text/template checks each argument against the
 * Go parameter type of the function; these helpers do the same for our untyped TemplateFuncs.
 */

import {
  castToFloat64,
  castToInt64,
  castToString,
  formatValue,
  GoDuration,
  type GoMap,
  GoTime,
  goTypeName,
  isMap,
} from "../values.js";
import { bytesToGoString, goStringToBytes } from "./bytes.js";

/** An error with Go's shape for a wrong argument type. */
export function wrongType(expected: string, v: unknown): Error {
  if (v === null || v === undefined) return new Error(`invalid value; expected ${expected}`);
  return new Error(`wrong type for value; expected ${expected}; got ${goTypeName(v)}`);
}

/** A `string` parameter. */
export function argStr(v: unknown): string {
  if (typeof v === "string") return v;
  throw wrongType("string", v);
}

/** An `int` parameter (bigint; integral float constants are accepted as Go constants are). */
export function argInt(v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw wrongType("int", v);
}

/** An `int` parameter kept as bigint. */
export function argBigInt(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw wrongType("int", v);
}

export function argBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  throw wrongType("bool", v);
}

export function argMap(v: unknown): GoMap {
  if (isMap(v)) return v;
  // Go passes nil as the parameter type's zero value: a nil map, which reads as empty
  if (v === null || v === undefined) return {};
  throw wrongType("map[string]interface {}", v);
}

export function argTime(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw wrongType("time.Time", v);
}

/** A `[]interface{}` parameter. */
export function argList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw wrongType("[]interface {}", v);
}

export function requireArgs(args: unknown[], n: number): void {
  if (args.length !== n) throw new Error(`wrong number of args: got ${args.length} want ${n}`);
}

export function requireAtLeast(args: unknown[], n: number): void {
  if (args.length < n) throw new Error(`wrong number of args: got ${args.length} want at least ${n}`);
}

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

export function toStringCast(v: unknown): string {
  return castToString(v);
}

/** Whether a value is a Go slice or array. */
export function isList(v: unknown): v is unknown[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

/** Elements of a slice value ([]byte yields numbers as bigint uint8 values). */
export function listItems(v: unknown[] | Uint8Array): unknown[] {
  return Array.isArray(v) ? v : Array.from(v, (b) => BigInt(b));
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

export { GoDuration, GoTime };
