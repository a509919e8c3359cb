import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rewriteMap } from "../../../src/controllers/common/rewrite.js";
import { DecodeError, decodeValue } from "../../../src/controllers/externalsecret/pipeline/decode.js";
import { convertKeys, validateKeys } from "../../../src/controllers/externalsecret/pipeline/keys.js";
import { b, render, text } from "./fixtures.js";

describe("decoding and keys", () => {
  it("decodes as Go's base64 does", () => {
    assert.equal(decodeValue("Base64", b("aGVsbG8=")).toString(), "hello");
    assert.throws(() => decodeValue("Base64", b("aGVsbG8")), DecodeError);
    assert.equal(decodeValue("Base64URL", b("_-8=")).toString("hex"), "ffef");
    assert.equal(decodeValue("Auto", b("not base64!")).toString(), "not base64!");
    assert.equal(decodeValue("Auto", b("aGk=")).toString(), "hi");
    assert.equal(decodeValue("None", b("aGk=")).toString(), "aGk=");
  });
  it("converts and validates keys", () => {
    assert.deepEqual(Object.keys(convertKeys("Default", { "a/b c": b("") })), ["a_b_c"]);
    assert.deepEqual(Object.keys(convertKeys("Unicode", { "a/b": b("") })), ["a_U002f_b"]);
    assert.throws(() => convertKeys("Default", { "a/b": b(""), "a b": b("") }), /collision/);
    assert.deepEqual(Object.keys(validateKeys({ "": b(""), ok: b("") })), ["ok"]);
    assert.throws(() => validateKeys({ "a/b": b("") }), /invalid character/);
  });
});

describe("rewrite", () => {
  it("regexp uses Go replacement syntax", async () => {
    const out = await rewriteMap(
      [{ regexp: { source: "^db-(?P<rest>.*)$", target: "app_$" + "{rest}_$1x" } }],
      { "db-pw": b("v") },
      render,
    );
    assert.deepEqual(text(out), { app_pw_: "v" });
  });
  it("transform renders the key", async () => {
    assert.deepEqual(text(await rewriteMap([{ transform: { template: "p-{{ .value }}" } }], { k: b("v") }, render)), {
      "p-k": "v",
    });
  });
  it("merge extracts JSON objects, priority last, conflicts error unless ignored", async () => {
    const input = { a: b('{"x":"1","n":2}'), b: b('{"x":"2","o":{"k":true}}') };
    await assert.rejects(() => rewriteMap([{ merge: {} }], input, render), /conflicts: x/);
    const out = await rewriteMap([{ merge: { conflictPolicy: "Ignore", priority: ["a"] } }], input, render);
    assert.deepEqual(text(out), { x: "1", n: "2", o: '{"k":true}' });
    const json = await rewriteMap(
      [{ merge: { conflictPolicy: "Ignore", strategy: "JSON", into: "all" } }],
      input,
      render,
    );
    assert.equal(json.all!.toString(), '{"n":2,"o":{"k":true},"x":"2"}');
  });
});

describe("Go regexp replacement semantics", () => {
  it("skips an empty match right after a match, as ReplaceAllString", async () => {
    const out = await rewriteMap([{ regexp: { source: "(.*)", target: "p-$1" } }], { a: b("v") }, render);
    assert.deepEqual(Object.keys(out), ["p-a"]);
    const star = await rewriteMap([{ regexp: { source: "x*", target: "-" } }], { abc: b("v") }, render);
    assert.deepEqual(Object.keys(star), ["-a-b-c-"]);
  });
});
