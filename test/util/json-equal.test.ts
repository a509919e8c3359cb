import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonEqual } from "../../src/util/json-equal.js";

describe("jsonEqual", () => {
  it("agrees with comparing the JSON the API server would store", () => {
    const cases: Array<[unknown, unknown, boolean]> = [
      [{ a: 1, b: undefined }, { a: 1 }, true],
      [{ a: 1 }, { b: 1 }, false],
      [{ a: 1 }, { a: 1, b: 2 }, false],
      [{ x: [1, { y: "z" }] }, { x: [1, { y: "z" }] }, true],
      [{ x: [1, 2] }, { x: [2, 1] }, false],
      [{ x: [undefined] }, { x: [null] }, true],
      [{ c: [{ type: "Ready", status: "True" }] }, { c: [{ status: "True", type: "Ready" }] }, true],
      [{ a: "1" }, { a: 1 }, false],
      [{ a: {} }, { a: [] }, false],
      [{ a: null }, {}, false],
    ];
    for (const [a, b, want] of cases) {
      assert.equal(jsonEqual(a, b), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      const viaJson = JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
      assert.equal(viaJson, want, "the case itself agrees with a JSON comparison");
    }
  });
});

function sortKeys(v: unknown): unknown {
  const parsed = JSON.parse(JSON.stringify(v));
  const walk = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(walk)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, walk((x as Record<string, unknown>)[k])]),
          )
        : x;
  return walk(parsed);
}
