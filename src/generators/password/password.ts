import { randomInt } from "node:crypto";
import { GeneratorError } from "../generator.js";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
export const DEFAULT_SYMBOLS = '~!@#$%^&*()_+`-={}|[]\\:"<>?,./';

export interface PasswordOptions {
  length: number;
  digits: number;
  symbols: number;
  symbolCharacters: string;
  noUpper: boolean;
  allowRepeat: boolean;
}

/**
 * Builds a password of exactly `length` characters with `digits` digits and `symbols` symbols, the rest
 * letters; every character comes from the CSPRNG with an unbiased choice (randomInt) and lands at a
 * random position. Without allowRepeat no character appears twice.
 */
export function generatePassword(o: PasswordOptions): string {
  if (!Number.isInteger(o.length) || o.length < 0)
    throw new GeneratorError("spec.length: must be a non-negative integer");
  if (o.digits < 0 || o.symbols < 0) throw new GeneratorError("spec.digits/spec.symbols: must not be negative");
  if (o.digits + o.symbols > o.length) {
    throw new GeneratorError("spec.digits + spec.symbols: must not exceed spec.length");
  }
  const letters = o.noUpper ? LOWER : LOWER + UPPER;
  const symbolSet = o.symbolCharacters;
  if (o.symbols > 0 && symbolSet.length === 0) throw new GeneratorError("spec.symbolCharacters: must not be empty");
  const letterCount = o.length - o.digits - o.symbols;
  if (!o.allowRepeat) {
    if (letterCount > letters.length)
      throw new GeneratorError("spec.length: too many letters requested without allowRepeat");
    if (o.digits > DIGITS.length)
      throw new GeneratorError("spec.digits: too many digits requested without allowRepeat");
    if (o.symbols > new Set(symbolSet).size) {
      throw new GeneratorError("spec.symbols: too many symbols requested without allowRepeat");
    }
  }
  const out: string[] = [];
  const used = new Set<string>();
  const place = (alphabet: string, count: number) => {
    for (let i = 0; i < count; i++) {
      let ch = alphabet[randomInt(alphabet.length)]!;
      while (!o.allowRepeat && used.has(ch)) ch = alphabet[randomInt(alphabet.length)]!;
      used.add(ch);
      out.splice(randomInt(out.length + 1), 0, ch);
    }
  };
  place(letters, letterCount);
  place(DIGITS, o.digits);
  place(symbolSet, o.symbols);
  return out.join("");
}
