import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cloneJson } from "../../src/util/clone-json.js";

describe("cloneJson", () => {
  it("copies parsed JSON deeply: changing the copy leaves the original alone", () => {
    const original = JSON.parse(
      '{"metadata":{"labels":{"a":"1"},"finalizers":["x"]},"status":{"n":1,"ok":true,"z":null}}',
    );
    const copy = cloneJson(original);
    assert.deepEqual(copy, original);
    copy.metadata.labels.a = "2";
    copy.metadata.finalizers.push("y");
    assert.equal(original.metadata.labels.a, "1");
    assert.deepEqual(original.metadata.finalizers, ["x"]);
  });

  it("keeps a JSON __proto__ key as data, not as the copy's prototype", () => {
    const original = JSON.parse('{"__proto__":{"polluted":true},"k":"v"}');
    const copy = cloneJson(original);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal((copy as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(Object.keys(copy), ["__proto__", "k"]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value, { polluted: true });
  });

  it("copies a tree nested 100,000 levels deep without exhausting the stack", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const copy = cloneJson(deep);
    let a: unknown = copy;
    let b: unknown = deep;
    for (let i = 0; i < 100_000; i++) {
      assert.notEqual(a, b);
      a = (a as unknown[])[0];
      b = (b as unknown[])[0];
    }
    assert.equal(a, "leaf");
  });
});
