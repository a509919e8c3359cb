/**
 * Integers of Go types other than `int`: sized integers (int64, uint8, uint64, ...) and named integers with a
 * String method (time.Month, time.Weekday). Go's `int` itself is a plain bigint in the value model.
 */

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Wrap a bigint into the int64 range, as Go's integer arithmetic does. */
export function toInt64(n: bigint): bigint {
  return n >= INT64_MIN && n <= INT64_MAX ? n : BigInt.asIntN(64, n);
}

export type SizedIntType = "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64";

const BITS: Record<SizedIntType, [bits: number, signed: boolean]> = {
  int8: [8, true],
  int16: [16, true],
  int32: [32, true],
  int64: [64, true],
  uint8: [8, false],
  uint16: [16, false],
  uint32: [32, false],
  uint64: [64, false],
};

/** Whether a Go integer type is unsigned (fmt prints %#v of those in hex). */
export function isUnsignedType(type: SizedIntType): boolean {
  return !BITS[type][1];
}

/**
 * A value of a sized Go integer type: Sprig's arithmetic returns int64, indexing a string or []byte gives uint8,
 * semver's Major uint64. It compares, indexes, prints and converts as its integer; %T and error messages name
 * its type, and Go's reflect-based calls do not take it for an `int` parameter.
 */
export class GoInt {
  readonly n: bigint;
  constructor(
    n: bigint,
    readonly type: SizedIntType,
  ) {
    this.n = type === "int64" ? toInt64(n) : wrapInto(n, type);
  }
  toString(): string {
    return this.n.toString();
  }
}

function wrapInto(n: bigint, type: SizedIntType): bigint {
  const [bits, signed] = BITS[type];
  return signed ? BigInt.asIntN(bits, n) : BigInt.asUintN(bits, n);
}

/** An int64 (Sprig's arithmetic results, cast.ToInt64), wrapped into range as Go's arithmetic does. */
export function goInt64(n: bigint): GoInt {
  return new GoInt(n, "int64");
}

/** A Go named integer type with a String method: its Go type name and how a value prints. */
export interface NamedIntType {
  readonly name: string;
  label(n: bigint): string;
}

/**
 * A value of a named int type such as time.Month or time.Weekday: it compares (eq, lt, ...), indexes,
 * converts and formats with %d as its integer, and prints ({{ . }}, %v, %s) as its String().
 */
export class GoNamedInt {
  constructor(
    readonly n: bigint,
    readonly type: NamedIntType,
  ) {}
  /** Another value of the same type. */
  with(n: bigint): GoNamedInt {
    return new GoNamedInt(n, this.type);
  }
  toString(): string {
    return this.type.label(this.n);
  }
}
