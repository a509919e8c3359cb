import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyTemplate, type TemplateSources } from "../../../src/controllers/common/secret-template.js";
import { b, render, text } from "../externalsecret/fixtures.js";

describe("templates", () => {
  const sources: TemplateSources = {
    configMap: async (name) => (name === "cm" ? { tpl: "host={{ .host }}", kv: "a: {{ .host }}\nb: two" } : undefined),
    secret: async () => undefined,
  };
  it("renders data, templateFrom and metadata; Merge keeps provider data", async () => {
    const out = await applyTemplate(
      {
        mergePolicy: "Merge",
        metadata: { labels: { app: "{{ .host }}" } },
        data: { url: "https://{{ .host }}" },
        templateFrom: [
          { configMap: { name: "cm", items: [{ key: "tpl" }, { key: "kv", templateAs: "KeysAndValues" }] } },
          { literal: "lit: {{ .host }}", target: "Annotations" },
        ],
      },
      { host: b("example.com") },
      {},
      sources,
      render,
    );
    assert.deepEqual(text(out.data), {
      host: "example.com",
      tpl: "host=example.com",
      a: "example.com",
      b: "two",
      url: "https://example.com",
    });
    assert.deepEqual(out.labels, { app: "example.com" });
    assert.deepEqual(out.annotations, { lit: "example.com" });
  });
  it("without a template copies data and the ExternalSecret's metadata", async () => {
    const out = await applyTemplate(undefined, { k: b("v") }, { labels: { team: "a" } }, sources, render);
    assert.deepEqual(text(out.data), { k: "v" });
    assert.deepEqual(out.labels, { team: "a" });
  });
  it("a template with only a type or metadata keeps the provider's data, as upstream", async () => {
    const out = await applyTemplate(
      { type: "kubernetes.io/tls", metadata: { labels: { tier: "{{ .tier }}" } } },
      { "tls.crt": b("CERT"), "tls.key": b("KEY"), tier: b("edge") },
      {},
      sources,
      render,
    );
    assert.deepEqual(text(out.data), { "tls.crt": "CERT", "tls.key": "KEY", tier: "edge" });
    assert.deepEqual(out.labels, { tier: "edge" });
    // With any data template (Replace), only what the templates render is written.
    const templated = await applyTemplate(
      { data: { crt: "{{ .crt }}" } },
      { crt: b("CERT"), key: b("KEY") },
      {},
      sources,
      render,
    );
    assert.deepEqual(text(templated.data), { crt: "CERT" });
  });
  it("errors name the template, not values", async () => {
    await assert.rejects(
      applyTemplate({ data: { x: "{{ .missing }}" } }, { secret: b("s3cr3t") }, {}, sources, render),
      (err: Error) => !err.message.includes("s3cr3t"),
    );
  });
});
