/** A small exact decimal (shopspring/decimal semantics for Sprig's addf/subf/mulf/divf). */
import { formatFloat } from "../strconv.js";

export interface Dec {
  m: bigint;
  e: number;
}

/** decimal.NewFromFloat: the shortest decimal that round-trips the float. */
export function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${formatFloat(f, "g", -1)}`);
  const s = formatFloat(f, "e", -1); // d.ddde±x
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const frac = m[3] ?? "";
  return { m: BigInt(`${m[1]}${m[2]}${frac}`), e: Number(m[4]) - frac.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.e === b.e) return [a.m, b.m, a.e];
  if (a.e < b.e) return [a.m, b.m * 10n ** BigInt(b.e - a.e), a.e];
  return [a.m * 10n ** BigInt(a.e - b.e), b.m, b.e];
}

export const decAdd = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { m: x + y, e };
};
export const decSub = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { m: x - y, e };
};
export const decMul = (a: Dec, b: Dec): Dec => ({ m: a.m * b.m, e: a.e + b.e });

/** decimal.Div: DivRound to 16 places, rounding half away from zero. */
export function decDiv(a: Dec, b: Dec): Dec {
  if (b.m === 0n) throw new Error("decimal division by 0");
  const PREC = 16;
  let num = a.m;
  let den = b.m;
  const shift = a.e - b.e + PREC;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  let q = num / den;
  const r = num % den;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (2n * abs(r) >= abs(den)) q += num < 0n !== den < 0n ? -1n : 1n;
  return { m: q, e: -PREC };
}

export function decToFloat(d: Dec): number {
  return Number(`${d.m}e${d.e}`);
}
