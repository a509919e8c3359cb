import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { leafPaths, readCRDs, specLeafPaths } from "./crd-fields.js";
import { repoPath } from "./repo.js";

const crds = readCRDs(repoPath("deploy/crds/bundle.yaml"));
const byKind = (kind: string) => {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  assert.ok(crd, `${kind} in the bundle`);
  return crd;
};

/** The schema node a leaf path names, or undefined when the path does not exist. */
function nodeAt(schema: any, path: string): any {
  let node = schema;
  for (const step of path.split(".")) {
    const name = step.replace(/(\[\]|\{\})+$/, "");
    node = node?.properties?.[name];
    for (const suffix of step.slice(name.length).match(/\[\]|\{\}/g) ?? []) {
      node = suffix === "[]" ? node?.items : node?.additionalProperties;
    }
  }
  return node;
}

describe("CRD leaf field paths", () => {
  test("the walk steps into objects, object arrays and object maps, and stops at scalars and free-form objects", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string" },
        list: { type: "array", items: { type: "object", properties: { x: { type: "integer" } } } },
        tags: { type: "array", items: { type: "string" } },
        byName: { type: "object", additionalProperties: { type: "object", properties: { y: { type: "string" } } } },
        labels: { type: "object", additionalProperties: { type: "string" } },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        empty: { type: "object", properties: {} },
      },
    };
    assert.deepEqual(leafPaths(schema as any), ["a", "list[].x", "tags", "byName{}.y", "labels", "free"]);
  });

  test("every CRD in the bundle lists its spec's leaf fields, each one naming a leaf of its schema", (t) => {
    assert.ok(crds.length >= 15, `${crds.length} CRDs`);
    let total = 0;
    for (const crd of crds) {
      const kind = crd.spec.names.kind;
      const paths = specLeafPaths(crd);
      total += paths.length;
      assert.equal(new Set(paths).size, paths.length, `${kind}: no path twice`);
      const schema = crd.spec.versions.find((v) => v.storage)!.schema.openAPIV3Schema;
      for (const p of paths) {
        assert.match(p, /^spec(\.|$)/, `${kind}: ${p}`);
        const node = nodeAt(schema, p);
        assert.ok(node, `${kind}: ${p} exists in the schema`);
        const nested = node.properties && Object.keys(node.properties).length > 0;
        assert.ok(!nested, `${kind}: ${p} is a leaf`);
      }
      t.diagnostic(`${kind}: ${paths.length} leaf fields`);
    }
    t.diagnostic(`all kinds: ${total} leaf fields`);
    // UUID's spec accepts no field: an object without properties is not one.
    assert.deepEqual(specLeafPaths(byKind("UUID")), []);
  });

  test("the leaves users write most are listed where ESO's docs put them", () => {
    const es = specLeafPaths(byKind("ExternalSecret"));
    for (const p of [
      "spec.secretStoreRef.name",
      "spec.refreshInterval",
      "spec.data[].secretKey",
      "spec.data[].remoteRef.key",
      "spec.dataFrom[].find.name.regexp",
      "spec.dataFrom[].find.tags",
      "spec.target.template.templateFrom[].configMap.items[].key",
    ]) {
      assert.ok(es.includes(p), p);
    }
    assert.ok(!es.includes("spec.data"), "an array of objects is not itself a leaf");
    const store = specLeafPaths(byKind("SecretStore"));
    for (const p of [
      "spec.provider.vault.server",
      "spec.provider.vault.auth.tokenSecretRef.key",
      "spec.provider.aws.region",
      "spec.conditions[].namespaces",
    ]) {
      assert.ok(store.includes(p), p);
    }
    const push = specLeafPaths(byKind("PushSecret"));
    assert.ok(push.includes("spec.selector.secret.name"));
    assert.ok(push.includes("spec.data[].metadata"), "free-form metadata is one leaf");
    assert.deepEqual(specLeafPaths(byKind("SecretStore")), specLeafPaths(byKind("ClusterSecretStore")));
  });
});
