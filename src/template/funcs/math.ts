/** Sprig's integer, float and sequence functions. */
import { randomInt } from "node:crypto";
import { checkElementCount } from "../budget.js";
import { goInt64, toInt64 as wrap64 } from "../go-ints.js";
import { goFunc } from "../signature.js";
import { type FuncMap, typedSlice } from "../values.js";
import { type Dec, decAdd, decDiv, decFromFloat, decMul, decSub, decToFloat } from "./decimal.js";
import { panicError, strval, toFloat64, toInt64 } from "./util.js";

export function untilStep(start: number, stop: number, step: number): bigint[] {
  const v: bigint[] = [];
  if (step !== 0 && (stop - start) / step > 0) checkElementCount(Math.ceil((stop - start) / step));
  if (stop < start) {
    if (step >= 0) return typedSlice(v, "int");
    for (let i = start; i > stop; i += step) v.push(BigInt(i));
    return typedSlice(v, "int");
  }
  if (step <= 0) return typedSlice(v, "int");
  for (let i = start; i < stop; i += step) v.push(BigInt(i));
  return typedSlice(v, "int");
}

function seq(params: number[]): string {
  const join = (l: bigint[]) => l.join(" ");
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      const inc = end < 1 ? -1 : 1;
      return join(untilStep(1, end + inc, inc));
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return "";
      }
      return join(untilStep(start, end + inc, step));
    }
    default:
      return "";
  }
}

function decOp(a: unknown, rest: unknown[], op: (x: Dec, y: Dec) => Dec): number {
  let acc = decFromFloat(toFloat64(a));
  for (const x of rest) acc = op(acc, decFromFloat(toFloat64(x)));
  return decToFloat(acc);
}

function round(a: unknown, p: number, roundOn = 0.5): number {
  const val = toFloat64(a);
  const pow = 10 ** p;
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

/** strconv.ParseInt(s, 8, 64) on fmt.Sprint(v); errors yield 0. */
function toDecimal(v: unknown): bigint {
  const s = strval(v);
  if (!/^[+-]?[0-7]+$/.test(s)) return 0n;
  const neg = s.startsWith("-");
  const n = BigInt(`0o${s.replace(/^[+-]/, "")}`);
  const r = neg ? -n : n;
  return r === wrap64(r) ? r : 0n;
}

function checkedDiv(a: bigint, b: bigint, mod: boolean): bigint {
  if (b === 0n) throw panicError("runtime error: integer divide by zero");
  return wrap64(mod ? a % b : a / b);
}

/** Sprig's max (sign 1) / min (sign -1) over int64 casts. */
function extreme(a: unknown, vs: unknown[], sign: 1 | -1): bigint {
  let m = toInt64(a);
  for (const v of vs) {
    const x = toInt64(v);
    if ((sign === 1 && x > m) || (sign === -1 && x < m)) m = x;
  }
  return m;
}

const int64 = goInt64;
const n = Number;

export function mathFuncs(): FuncMap {
  const biggest = goFunc("func(interface {}, ...interface {}) int64", (a: unknown, ...vs: unknown[]) =>
    int64(extreme(a, vs, 1)),
  );
  return {
    int64: goFunc("func(interface {}) int64", (v: unknown) => int64(toInt64(v))),
    int: goFunc("func(interface {}) int", (v: unknown) => toInt64(v)),
    float64: goFunc("func(interface {}) float64", toFloat64),
    toDecimal: goFunc("func(interface {}) int64", (v: unknown) => int64(toDecimal(v))),
    seq: goFunc("func(...int) string", (...p: bigint[]) => seq(p.map(n))),
    until: goFunc("func(int) []int", (c: bigint) => untilStep(0, n(c), c < 0n ? -1 : 1)),
    untilStep: goFunc("func(int, int, int) []int", (a: bigint, b: bigint, c: bigint) => untilStep(n(a), n(b), n(c))),
    add1: goFunc("func(interface {}) int64", (v: unknown) => int64(toInt64(v) + 1n)),
    add: goFunc("func(...interface {}) int64", (...vs: unknown[]) =>
      int64(vs.reduce<bigint>((acc, v) => wrap64(acc + toInt64(v)), 0n)),
    ),
    sub: goFunc("func(interface {}, interface {}) int64", (a: unknown, b: unknown) => int64(toInt64(a) - toInt64(b))),
    div: goFunc("func(interface {}, interface {}) int64", (a: unknown, b: unknown) =>
      int64(checkedDiv(toInt64(a), toInt64(b), false)),
    ),
    mod: goFunc("func(interface {}, interface {}) int64", (a: unknown, b: unknown) =>
      int64(checkedDiv(toInt64(a), toInt64(b), true)),
    ),
    mul: goFunc("func(interface {}, ...interface {}) int64", (a: unknown, ...vs: unknown[]) =>
      int64(vs.reduce<bigint>((acc, v) => wrap64(acc * toInt64(v)), toInt64(a))),
    ),
    randInt: goFunc("func(int, int) int", (a: bigint, b: bigint) => {
      const min = n(a);
      const span = n(b) - min;
      if (span <= 0) throw panicError("invalid argument to Intn");
      return BigInt(randomInt(0, span) + min);
    }),
    add1f: goFunc("func(interface {}) float64", (v: unknown) => decOp(v, [1n], decAdd)),
    addf: goFunc("func(...interface {}) float64", (...vs: unknown[]) => decOp(0, vs, decAdd)),
    subf: goFunc("func(interface {}, ...interface {}) float64", (a: unknown, ...vs: unknown[]) => decOp(a, vs, decSub)),
    mulf: goFunc("func(interface {}, ...interface {}) float64", (a: unknown, ...vs: unknown[]) => decOp(a, vs, decMul)),
    divf: goFunc("func(interface {}, ...interface {}) float64", (a: unknown, ...vs: unknown[]) => decOp(a, vs, decDiv)),
    biggest,
    max: biggest,
    min: goFunc("func(interface {}, ...interface {}) int64", (a: unknown, ...vs: unknown[]) =>
      int64(extreme(a, vs, -1)),
    ),
    maxf: goFunc("func(interface {}, ...interface {}) float64", (a: unknown, ...vs: unknown[]) =>
      vs.reduce<number>((m, v) => Math.max(m, toFloat64(v)), toFloat64(a)),
    ),
    minf: goFunc("func(interface {}, ...interface {}) float64", (a: unknown, ...vs: unknown[]) =>
      vs.reduce<number>((m, v) => Math.min(m, toFloat64(v)), toFloat64(a)),
    ),
    ceil: goFunc("func(interface {}) float64", (v: unknown) => Math.ceil(toFloat64(v))),
    floor: goFunc("func(interface {}) float64", (v: unknown) => Math.floor(toFloat64(v))),
    round: goFunc("func(interface {}, int, ...float64) float64", (a: unknown, p: bigint, ...r: number[]) =>
      round(a, n(p), r.length > 0 ? r[0]! : 0.5),
    ),
  };
}
