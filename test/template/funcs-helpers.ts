import assert from "node:assert/strict";
import { it } from "node:test";
import { defaultFuncs } from "../../src/template/funcs/index.js";
import { passArgs } from "../../src/template/index.js";

export const F = defaultFuncs();

/** Calls a library function with values, checked against its Go signature as a template call checks them. */
export function call(name: string, ...args: unknown[]): unknown {
  const fn = F[name];
  if (!fn) throw new Error(`no function ${name}`);
  return fn(...passArgs(name, fn, args));
}

export type Case = [name: string, args: unknown[], expected: unknown];
export type ErrCase = [name: string, args: unknown[], message: RegExp | string];

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
}

export function table(cases: Case[]): void {
  for (const [name, args, expected] of cases) {
    it(`${name} ${show(args)}`, () => {
      assert.deepStrictEqual(call(name, ...args), expected);
    });
  }
}

export function errors(cases: ErrCase[]): void {
  for (const [name, args, message] of cases) {
    it(`${name} ${show(args)} fails`, () => {
      assert.throws(
        () => call(name, ...args),
        (e: Error) => (typeof message === "string" ? e.message === message : message.test(e.message)),
      );
    });
  }
}
