/** redactValues: long values cut out wherever they occur (raw or escaped), short ones found as whole tokens. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containsToken, redactValues, stringLeaves } from "../../src/template/index.js";

describe("redactValues", () => {
  it("cuts out values of four or more characters, longest first, also in their escaped form", () => {
    const r = redactValues('a "line1\\nline2" then hunter2 and hunter2-long', [
      "hunter2",
      "hunter2-long",
      "line1\nline2",
    ]);
    assert.deepEqual(r, { text: 'a "[redacted]" then [redacted] and [redacted]', shortValueSeen: false });
  });

  it("reports a short value only where it stands as a whole token", () => {
    assert.equal(redactValues("index out of range: 7", ["7"]).shortValueSeen, true);
    assert.equal(redactValues("HTTP 400 at line 17", ["7"]).shortValueSeen, false);
    assert.equal(redactValues('parsing "ab": invalid', ["ab"]).shortValueSeen, true);
    assert.equal(redactValues("label abc is unknown", ["ab"]).shortValueSeen, false);
    assert.equal(containsToken("x=!!;", "!!"), true);
    assert.equal(containsToken("anything", ""), false);
  });

  it("stringLeaves collects every string of a JSON-like body", () => {
    assert.deepEqual(stringLeaves({ a: "x", b: [1, "y", { c: "z" }], d: null, e: true }), ["x", "y", "z"]);
  });
});
