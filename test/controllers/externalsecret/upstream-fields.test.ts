/**
 * Fields of current upstream the transform and render steps honour: dataFrom[].find.nullBytePolicy,
 * rewrite[].merge.priorityPolicy, template.templateFrom[].valuesDecodingStrategy.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rewriteMap } from "../../../src/controllers/common/rewrite.js";
import { applyTemplate, type TemplateSources } from "../../../src/controllers/common/secret-template.js";
import { FetchError } from "../../../src/controllers/externalsecret/pipeline/fetch.js";
import { transformDataFrom } from "../../../src/controllers/externalsecret/pipeline/transform.js";
import { renderESO } from "../../../src/template/index.js";
import { b, render, text } from "./fixtures.js";

describe("dataFrom[].find.nullBytePolicy", () => {
  const found = { map: { clean: b("ok"), dirty: Buffer.from([0x61, 0x00, 0x62]) }, generated: false };
  it("Fail refuses a found value with a NUL byte, naming the key and not the value", async () => {
    await assert.rejects(
      transformDataFrom({ find: { name: { regexp: ".*" }, nullBytePolicy: "Fail" } }, 2, found, render),
      (err: Error) =>
        err instanceof FetchError && /spec\.dataFrom\[2\]: value of key "dirty" contains a null byte/.test(err.message),
    );
  });
  it("Ignore (and unset) keep the value as it is", async () => {
    for (const nullBytePolicy of ["Ignore", undefined] as const) {
      const out = await transformDataFrom({ find: { name: { regexp: ".*" }, nullBytePolicy } }, 0, found, render);
      assert.deepEqual([...out.dirty!], [0x61, 0x00, 0x62]);
    }
  });
});

describe("rewrite[].merge.priorityPolicy", () => {
  const input = { a: b('{"x":"1"}'), b: b('{"x":"2"}') };
  it("Strict (the default) fails on a priority key that is not in the input", async () => {
    await assert.rejects(
      rewriteMap([{ merge: { priority: ["missing", "a"] } }], input, render),
      /key "missing" not found/,
    );
    await assert.rejects(
      rewriteMap([{ merge: { priority: ["missing"], priorityPolicy: "Strict" } }], input, render),
      /not found/,
    );
  });
  it("IgnoreNotFound skips it and still applies the rest of the priority", async () => {
    const out = await rewriteMap(
      [{ merge: { priority: ["missing", "a"], priorityPolicy: "IgnoreNotFound", conflictPolicy: "Ignore" } }],
      input,
      render,
    );
    assert.deepEqual(text(out), { x: "1" }, "a has priority over b");
  });
});

describe("templateFrom[].valuesDecodingStrategy", () => {
  const sources: TemplateSources = {
    configMap: async () => ({ tpl: "{{ .token }}" }),
    secret: async () => undefined,
  };
  const data = { token: b("c2VjcmV0LXRva2Vu") }; // base64 of "secret-token"
  it("decodes each value rendered from a ConfigMap, a literal, into data, labels and annotations", async () => {
    const out = await applyTemplate(
      {
        templateFrom: [
          { configMap: { name: "cm", items: [{ key: "tpl" }] }, valuesDecodingStrategy: "Base64" },
          { literal: "raw: {{ .token }}" },
          { literal: "lbl: dmFsdWU=", target: "Labels", valuesDecodingStrategy: "Auto" },
          { literal: "ann: dmFsdWU", target: "Annotations", valuesDecodingStrategy: "Auto" },
        ],
        data: { plain: "{{ .token }}" },
      },
      data,
      {},
      sources,
      renderESO,
    );
    assert.equal(out.data.tpl?.toString(), "secret-token");
    assert.equal(out.data.raw?.toString(), "c2VjcmV0LXRva2Vu", "no strategy: None");
    assert.equal(out.data.plain?.toString(), "c2VjcmV0LXRva2Vu", "template.data is never decoded");
    assert.equal(out.labels.lbl, "value");
    assert.equal(out.annotations.ann, "dmFsdWU", "Auto keeps what is not valid base64");
  });
  it("a value that does not decode fails naming the key, never the value", async () => {
    await assert.rejects(
      applyTemplate(
        { templateFrom: [{ literal: "bad: not-base64!", valuesDecodingStrategy: "Base64" }] },
        {},
        {},
        sources,
        renderESO,
      ),
      (err: Error) => /key "bad": illegal base64 data/.test(err.message) && !err.message.includes("not-base64"),
    );
  });
});
