import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TemplateFrom } from "../../../src/api/externalsecret.js";
import type { TemplateSources } from "../../../src/controllers/common/secret-template.js";
import { ANNOTATION_DATA_HASH } from "../../../src/controllers/externalsecret/constants.js";
import { desiredTarget, targetContentHash } from "../../../src/controllers/externalsecret/pipeline/generic-target.js";
import { renderTarget } from "../../../src/controllers/externalsecret/pipeline/render.js";
import { MANAGED_LABEL } from "../../../src/kube/index.js";
import { b, es, render } from "./fixtures.js";

const WIDGET = { apiVersion: "example.com/v1", kind: "Widget" };
const CM = { apiVersion: "v1", kind: "ConfigMap" };
const data = { host: b("db.internal"), port: b("5432"), user: b("app") };
const sources: TemplateSources = {
  configMap: async (name) =>
    name === "tpl" ? { settings: "retries: 3\nmode: {{ .user }}", plain: "{{ .host }}:{{ .port }}" } : undefined,
  secret: async () => undefined,
};

function withTemplate(templateFrom: TemplateFrom[], manifest: { apiVersion: string; kind: string } | undefined) {
  return es({
    target: { ...(manifest ? { manifest } : {}), template: { engineVersion: "v2", templateFrom } },
  });
}

async function build(templateFrom: TemplateFrom[], manifest = WIDGET, existing?: Parameters<typeof desiredTarget>[1]) {
  const e = withTemplate(templateFrom, manifest);
  const out = await renderTarget(e, data, sources, render);
  return desiredTarget(e, existing, out);
}

describe("templateFrom target: dot paths into a generic target", () => {
  it("a literal at spec.database lands as structured YAML under spec.database", async () => {
    const obj = await build([
      {
        literal: "host: {{ .host }}\nport: {{ .port }}\ncredentials:\n  username: {{ .user }}",
        target: "spec.database",
      },
      { literal: "level: info", target: "spec.logging" },
    ]);
    assert.deepEqual(obj.spec, {
      database: { host: "db.internal", port: 5432, credentials: { username: "app" } },
      logging: { level: "info" },
    });
    assert.equal(obj.metadata.annotations?.[ANNOTATION_DATA_HASH], targetContentHash(obj));
  });

  it("a path merges a map into the map already there, keeping the other keys of the live object", async () => {
    const live = {
      apiVersion: WIDGET.apiVersion,
      kind: WIDGET.kind,
      metadata: { name: "es", namespace: "ns", uid: "u1", ownerReferences: [] },
      spec: { database: { pool: 10, host: "old" }, replicas: 2 },
    };
    const e = es({
      target: {
        creationPolicy: "Merge",
        manifest: WIDGET,
        template: { templateFrom: [{ literal: "host: {{ .host }}", target: "spec.database" }] },
      },
    });
    const out = await renderTarget(e, data, sources, render);
    const obj = desiredTarget(e, live, out);
    assert.deepEqual(obj.spec, { database: { pool: 10, host: "db.internal" }, replicas: 2 });
  });

  it("the path is lower-cased as upstream does (spec.dbConfig writes spec.dbconfig)", async () => {
    const obj = await build([{ literal: "a: b", target: "Spec.DbConfig" }]);
    assert.deepEqual(obj.spec, { dbconfig: { a: "b" } });
  });

  it("target spec with a KeysAndValues literal replaces spec; with Values items sets one string field per key", async () => {
    const replaced = await build([{ literal: "size: {{ .port }}", target: "spec" }]);
    assert.deepEqual(replaced.spec, { size: 5432 });
    const fields = await build([{ configMap: { name: "tpl", items: [{ key: "plain" }] }, target: "spec" }]);
    assert.deepEqual(fields.spec, { plain: "db.internal:5432" });
  });

  it("a Values item at a deeper path stores its rendered YAML there", async () => {
    const obj = await build([{ configMap: { name: "tpl", items: [{ key: "settings" }] }, target: "spec.settings" }]);
    assert.deepEqual(obj.spec, { settings: { retries: 3, mode: "app" } });
  });

  it("Data, Annotations and Labels keep their meaning, case-insensitively", async () => {
    const obj = await build(
      [
        { literal: "url: {{ .host }}", target: "data" },
        { literal: "team: payments", target: "LABELS" },
      ],
      CM,
    );
    assert.deepEqual(obj.data, { url: "db.internal" });
    assert.equal(obj.metadata.labels?.team, "payments");
    assert.equal(obj.metadata.labels?.[MANAGED_LABEL], "true");
  });

  it("a path through a field that is not a map fails the render of the object", async () => {
    await assert.rejects(
      build([{ literal: "x: 1", target: "spec.replicas.inner" }], WIDGET, {
        apiVersion: WIDGET.apiVersion,
        kind: WIDGET.kind,
        metadata: {
          name: "es",
          namespace: "ns",
          uid: "u1",
          ownerReferences: [
            {
              apiVersion: "external-secrets.io/v1",
              kind: "ExternalSecret",
              name: "es",
              uid: "uid-1",
              controller: true,
            },
          ],
        },
        spec: { replicas: 2 },
      }),
      /replicas is not a map/,
    );
  });

  it("a path may not change the kind or the name of the target", async () => {
    await assert.rejects(build([{ literal: "Other", target: "kind" }]), /differs from the declared/);
    await assert.rejects(build([{ literal: "name: other", target: "metadata" }]), /name or namespace/);
  });

  it("a path reaching an object's prototype is refused", async () => {
    await assert.rejects(build([{ literal: "polluted: true", target: "spec.__proto__" }]), /not a valid path/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("templateFrom target: Secret targets", () => {
  it("refuse a path: only Data, Annotations and Labels write into a Secret", async () => {
    const e = withTemplate([{ literal: "type: kubernetes.io/tls", target: "spec.type" }], undefined);
    await assert.rejects(renderTarget(e, data, sources, render), (err: Error & { cause?: Error }) => {
      const text = `${err.message} ${err.cause?.message ?? ""}`;
      return /only valid with spec\.target\.manifest/.test(text);
    });
  });

  it("accept the three names in any case", async () => {
    const e = withTemplate([{ literal: "a: {{ .user }}", target: "annotations" }], undefined);
    const out = await renderTarget(e, data, sources, render);
    assert.deepEqual(out.annotations, { a: "app" });
    assert.equal(out.fields, undefined);
  });
});
