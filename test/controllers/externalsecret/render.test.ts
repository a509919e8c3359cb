/** The render step: a template error waits for the user; a template stopped at a resource limit is retried. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SyncFailure } from "../../../src/controllers/externalsecret/pipeline/failure.js";
import { renderTarget } from "../../../src/controllers/externalsecret/pipeline/render.js";
import { TemplateLimitError } from "../../../src/template/index.js";
import { b, es, render, text } from "./fixtures.js";

const sources = { configMap: async () => undefined, secret: async () => undefined };
const templated = es({ target: { template: { data: { url: "https://{{ .host }}" } } } });

describe("render: target templates", () => {
  it("renders the template over the data", async () => {
    const out = await renderTarget(templated, { host: b("example.com") }, sources, render);
    assert.deepEqual(text(out.data), { url: "https://example.com" });
  });

  it("a template error is not retried; a template stopped at its deadline is", async () => {
    await assert.rejects(
      renderTarget(templated, {}, sources, render),
      (err: Error) => err instanceof SyncFailure && !err.retry && err.summary === "could not apply template",
    );
    const timedOut = () => {
      throw new TemplateLimitError("timeout", "template timed out after 2s");
    };
    await assert.rejects(
      renderTarget(templated, { host: b("h") }, sources, timedOut),
      (err: Error) => err instanceof SyncFailure && err.retry,
    );
  });
});
