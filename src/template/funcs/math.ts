/** Sprig's integer, float and sequence functions. */
import { randomInt } from "node:crypto";
import { checkElementCount } from "../budget.js";
import { type FuncMap, typedSlice, toInt64 as wrap64 } from "../values.js";
import { type Dec, decAdd, decDiv, decFromFloat, decMul, decSub, decToFloat } from "./decimal.js";
import { argInt, panicError, strval, toFloat64, toInt64 } from "./util.js";

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

export function mathFuncs(): FuncMap {
  return {
    int64: (v) => toInt64(v),
    int: (v) => toInt64(v),
    float64: (v) => toFloat64(v),
    toDecimal: (v) => toDecimal(v),
    seq: (...p) => seq(p.map(argInt)),
    until: (n) => {
      const c = argInt(n);
      return untilStep(0, c, c < 0 ? -1 : 1);
    },
    untilStep: (a, b, c) => untilStep(argInt(a), argInt(b), argInt(c)),
    add1: (v) => wrap64(toInt64(v) + 1n),
    add: (...vs) => vs.reduce<bigint>((acc, v) => wrap64(acc + toInt64(v)), 0n),
    sub: (a, b) => wrap64(toInt64(a) - toInt64(b)),
    div: (a, b) => checkedDiv(toInt64(a), toInt64(b), false),
    mod: (a, b) => checkedDiv(toInt64(a), toInt64(b), true),
    mul: (a, ...vs) => vs.reduce<bigint>((acc, v) => wrap64(acc * toInt64(v)), toInt64(a)),
    randInt: (a, b) => {
      const min = argInt(a);
      const n = argInt(b) - min;
      if (n <= 0) throw panicError("invalid argument to Intn");
      return BigInt(randomInt(0, n) + min);
    },
    add1f: (v) => decOp(v, [1], decAdd),
    addf: (...vs) => decOp(0, vs, decAdd),
    subf: (a, ...vs) => decOp(a, vs, decSub),
    mulf: (a, ...vs) => decOp(a, vs, decMul),
    divf: (a, ...vs) => decOp(a, vs, decDiv),
    biggest: (a, ...vs) => extreme(a, vs, 1),
    max: (a, ...vs) => extreme(a, vs, 1),
    min: (a, ...vs) => extreme(a, vs, -1),
    maxf: (a, ...vs) => vs.reduce<number>((m, v) => Math.max(m, toFloat64(v)), toFloat64(a)),
    minf: (a, ...vs) => vs.reduce<number>((m, v) => Math.min(m, toFloat64(v)), toFloat64(a)),
    ceil: (v) => Math.ceil(toFloat64(v)),
    floor: (v) => Math.floor(toFloat64(v)),
    round: (a, p, ...r) => round(a, argInt(p), r.length > 0 ? toFloat64(r[0]) : 0.5),
  };
}
