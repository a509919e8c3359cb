/** `eso render` of an ExternalSecret with spec.target.manifest: the object the controller would write, not a Secret. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskSecret, renderExternalSecret } from "../../src/sandbox/render.js";

const es = (target: Record<string, unknown>) =>
  ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "app", namespace: "demo" },
    spec: {
      secretStoreRef: { name: "fake" },
      target: { name: "app-config", ...target },
      data: [{ secretKey: "url", remoteRef: { key: "url" } }],
    },
  }) as never;

describe("eso render: generic targets", () => {
  it("renders a ConfigMap with plain-text data and says the flag is needed", async () => {
    const { secret, notes } = await renderExternalSecret({
      externalSecret: es({ manifest: { apiVersion: "v1", kind: "ConfigMap" } }),
      objects: [],
      data: { url: "https://db.example" },
    });
    assert.equal(secret.kind, "ConfigMap");
    assert.equal(secret.apiVersion, "v1");
    assert.deepEqual(secret.data, { url: "https://db.example" });
    assert.ok(notes.some((n) => n.includes("--unsafe-allow-generic-targets")));
    assert.deepEqual(maskSecret(secret).data, { url: "<masked: 18 bytes>" });
  });

  it("merges into the live object given with -f for creationPolicy Merge", async () => {
    const live = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app-config", namespace: "demo" },
      data: { theirs: "keep" },
    } as never;
    const { secret } = await renderExternalSecret({
      externalSecret: es({ creationPolicy: "Merge", manifest: { apiVersion: "v1", kind: "ConfigMap" } }),
      objects: [live],
      data: { url: "u" },
    });
    assert.deepEqual(secret.data, { theirs: "keep", url: "u" });
  });

  it("puts a custom resource's data in spec.data and masks it there", async () => {
    const { secret } = await renderExternalSecret({
      externalSecret: es({ manifest: { apiVersion: "example.com/v1", kind: "Widget" } }),
      objects: [],
      data: { url: "abc" },
    });
    assert.deepEqual(secret.spec, { data: { url: "abc" } });
    assert.deepEqual(maskSecret(secret).spec, { data: { url: "<masked: 3 bytes>" } });
  });
});
