import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { resources } from "../../src/api/resources.js";
import { resourceTypeOf } from "../../src/sandbox/apply.js";
import { loadManifests, manifestFiles } from "../../src/sandbox/manifests.js";
import { eso } from "./cli-runner.js";

const dir = mkdtempSync(join(tmpdir(), "eso-manifests-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const STORE = [
  "apiVersion: external-secrets.io/v1",
  "kind: SecretStore",
  "metadata: {name: fake, namespace: demo}",
  "spec:",
  "  provider:",
  "    fake:",
  "      data: [{key: /k, value: v}]",
  "",
].join("\n");
const ES = [
  "apiVersion: external-secrets.io/v1",
  "kind: ExternalSecret",
  "metadata: {name: es, namespace: demo}",
  "spec:",
  "  secretStoreRef: {name: fake}",
  "  data: [{secretKey: k, remoteRef: {key: /k}}]",
  "",
].join("\n");

describe("one manifest collector for eso validate, eso render and the sandbox", () => {
  const tree = join(dir, "tree");
  mkdirSync(join(tree, "b", "nested"), { recursive: true });
  writeFileSync(join(tree, "b", "nested", "20-es.yml"), ES);
  writeFileSync(join(tree, "a-store.yaml"), STORE);
  writeFileSync(join(tree, "b", "README.md"), "not a manifest");
  // kubectl get -o yaml output: a List.
  const indented = STORE.trim()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  writeFileSync(join(dir, "list.yaml"), `apiVersion: v1\nkind: List\nitems:\n  -${indented.slice(3)}\n`);

  test("directories are searched recursively for *.yaml / *.yml in name order; each file once", async () => {
    const store = join(tree, "a-store.yaml");
    const files = await manifestFiles([tree, store]);
    assert.deepEqual(files, [store, join(tree, "b", "nested", "20-es.yml")]);
    const loaded = await loadManifests([tree, join(dir, "list.yaml")]);
    assert.deepEqual(
      loaded.map((m) => `${m.obj.kind}/${m.obj.metadata.name}`),
      ["SecretStore/fake", "ExternalSecret/es", "SecretStore/fake"],
    );
  });

  test("a missing path gets the same message from eso validate and eso render", () => {
    const missing = join(dir, "missing.yaml");
    const v = eso("validate", "-f", missing);
    const r = eso("render", "-f", missing);
    assert.equal(v.code, 1);
    assert.equal(r.code, 2, "render counts unreadable input as a usage error, as before");
    assert.equal(v.stderr, `eso validate: ${missing}: no such file or directory\n`);
    assert.equal(r.stderr, `eso render: ${missing}: no such file or directory\n`);
  });

  test("eso validate and eso render both read the same directory tree", () => {
    const v = eso("validate", "-f", tree);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^2 file\(s\), 2 object\(s\), 2 ESO object\(s\) validated: no errors$/m);
    const r = eso("render", "-f", tree, "--show-values", "-o", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Buffer.from(JSON.parse(r.stdout).data.k, "base64").toString(), "v");
  });
});

describe("sandbox apply: REST resources from the API's resource table", () => {
  test("every kind this API serves, in every served version, maps to its plural and scope", () => {
    for (const def of resources) {
      for (const version of def.versions) {
        const rt = resourceTypeOf({ apiVersion: `${def.group}/${version.name}`, kind: def.kind });
        assert.deepEqual(rt, {
          group: def.group,
          version: version.name,
          plural: def.plural,
          kind: def.kind,
          namespaced: def.scope === "Namespaced",
        });
      }
    }
  });

  test("built-in kinds the sandbox serves; anything else is named in the error", () => {
    assert.equal(resourceTypeOf({ apiVersion: "v1", kind: "Namespace" }).namespaced, false);
    assert.equal(resourceTypeOf({ apiVersion: "v1", kind: "Secret" }).plural, "secrets");
    assert.equal(resourceTypeOf({ apiVersion: "v1", kind: "ConfigMap" }).plural, "configmaps");
    assert.throws(
      () => resourceTypeOf({ apiVersion: "apps/v1", kind: "Deployment" }),
      /apps\/v1 Deployment is not a kind the sandbox serves/,
    );
    assert.throws(
      () => resourceTypeOf({ apiVersion: "external-secrets.io/v9", kind: "ExternalSecret" }),
      /external-secrets\.io\/v9 ExternalSecret/,
      "a version the API does not serve is not guessed",
    );
  });
});
