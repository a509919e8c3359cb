import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { allCRDs, crdsYAML } from "../../src/api/crds.js";
import { GeneratorKindValues } from "../../src/api/externalsecret.js";
import { repoPath } from "./repo.js";

type Schema = Record<string, any>;
type CRD = { metadata: { name: string }; spec: Schema };

const crds = allCRDs() as CRD[];
const byName = (name: string) => crds.find((c) => c.metadata.name === name)!;

test("deploy/crds/bundle.yaml is what `eso crds` prints (run `npm run crds` after changing src/api)", () => {
  const committed = readFileSync(repoPath("deploy", "crds", "bundle.yaml"), "utf8");
  assert.ok(committed === crdsYAML(), "deploy/crds/bundle.yaml is stale: run `npm run crds` and commit it");
  const docs = parseAllDocuments(committed).map((d) => d.toJS());
  assert.deepEqual(docs, JSON.parse(JSON.stringify(crds)));
});

/** Kubernetes' structural schema rules: every node typed (or explicitly free-form), no unions. */
function structuralProblems(s: Schema, path: string, out: string[]): void {
  for (const banned of ["anyOf", "oneOf", "allOf", "not", "patternProperties", "$ref", "const"]) {
    if (banned in s) out.push(`${path}: ${banned}`);
  }
  // x-kubernetes-int-or-string stands in for the type (Kubernetes requires the type to be empty then).
  if (!s.type && !s["x-kubernetes-preserve-unknown-fields"] && !s["x-kubernetes-int-or-string"]) {
    out.push(`${path}: no type`);
  }
  if (s.type && s["x-kubernetes-int-or-string"]) out.push(`${path}: int-or-string with a type`);
  if (s.type === "object" && !s.properties && !s.additionalProperties && !s["x-kubernetes-preserve-unknown-fields"]) {
    if (!path.endsWith(".metadata") && !path.endsWith("uuidSpec") && !/\.spec$/.test(path))
      out.push(`${path}: untyped object`);
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) structuralProblems(v as Schema, `${path}.${k}`, out);
  if (s.items) structuralProblems(s.items, `${path}[]`, out);
  if (typeof s.additionalProperties === "object") structuralProblems(s.additionalProperties, `${path}{}`, out);
  for (const r of s.required ?? []) if (!s.properties?.[r]) out.push(`${path}: required ${r} not declared`);
}

test("every CRD schema is structural; preserve-unknown-fields only on free-form data", () => {
  const preserved: string[] = [];
  for (const crd of crds) {
    for (const v of crd.spec.versions) {
      const problems: string[] = [];
      const root = v.schema.openAPIV3Schema;
      structuralProblems(root, `${crd.metadata.name}/${v.name}`, problems);
      assert.deepEqual(problems, []);
      const walk = (s: Schema, p: string) => {
        if (s["x-kubernetes-preserve-unknown-fields"]) preserved.push(p);
        for (const [k, c] of Object.entries(s.properties ?? {})) walk(c as Schema, `${p}.${k}`);
        if (s.items) walk(s.items, `${p}[]`);
        if (typeof s.additionalProperties === "object") walk(s.additionalProperties, `${p}{}`);
      };
      walk(root, crd.spec.names.kind);
    }
  }
  const allowed = /(\.metadata|\.parameters|\.resource|\.state)$/;
  assert.deepEqual(
    preserved.filter((p) => !allowed.test(p)),
    [],
  );
});

test("names, scopes, versions, short names and printer columns match upstream ESO", () => {
  const es = byName("externalsecrets.external-secrets.io").spec;
  assert.deepEqual(es.names.shortNames, ["es"]);
  assert.deepEqual(es.names.categories, ["external-secrets"]);
  assert.equal(es.scope, "Namespaced");
  assert.deepEqual(
    es.versions.map((v: Schema) => [v.name, v.served, v.storage, v.subresources]),
    [
      ["v1", true, true, { status: {} }],
      ["v1beta1", true, false, { status: {} }],
    ],
  );
  const columns = es.versions[0].additionalPrinterColumns.map((c: Schema) => c.name);
  for (const c of ["Store", "Refresh Interval", "Status", "Ready"]) assert.ok(columns.includes(c), c);
  const ss = byName("secretstores.external-secrets.io").spec;
  assert.deepEqual(
    ss.versions[0].additionalPrinterColumns.map((c: Schema) => c.name),
    ["AGE", "Status", "Capabilities", "Ready"],
  );
  assert.equal(byName("clustersecretstores.external-secrets.io").spec.scope, "Cluster");
  assert.deepEqual(byName("clustersecretstores.external-secrets.io").spec.names.shortNames, ["css"]);
  assert.deepEqual(byName("secretstores.external-secrets.io").spec.names.shortNames, ["ss"]);
  assert.deepEqual(byName("clusterexternalsecrets.external-secrets.io").spec.names.shortNames, ["ces"]);
  const ps = byName("pushsecrets.external-secrets.io").spec;
  assert.deepEqual(ps.names.shortNames, ["ps"]);
  assert.deepEqual(
    ps.versions.map((v: Schema) => v.name),
    ["v1alpha1"],
  );
  assert.equal(byName("clusterpushsecrets.external-secrets.io").spec.scope, "Cluster");
  for (const crd of crds) {
    assert.deepEqual(crd.spec.conversion, { strategy: "None" });
    if (crd.spec.group === "external-secrets.io") {
      for (const v of crd.spec.versions) assert.deepEqual(v.subresources, { status: {} }, crd.metadata.name);
    }
  }
  const generators = crds
    .filter((c) => c.spec.group === "generators.external-secrets.io")
    .map((c) => c.spec.names.kind);
  // Every kind a generatorRef may name (upstream's enum) is served, and nothing else but GeneratorState.
  assert.deepEqual(generators.sort(), [...GeneratorKindValues, "GeneratorState"].sort());
  assert.equal(generators.length, 26);
});

test("defaults and enums are those of upstream ESO", () => {
  const spec = byName("externalsecrets.external-secrets.io").spec.versions[0].schema.openAPIV3Schema.properties.spec;
  assert.equal(spec.properties.refreshInterval.default, "1h");
  const target = spec.properties.target.properties;
  assert.equal(target.creationPolicy.default, "Owner");
  assert.deepEqual(target.creationPolicy.enum, ["Owner", "Orphan", "Merge", "None", "CreateOrMerge"]);
  assert.equal(target.deletionPolicy.default, "Retain");
  assert.deepEqual(target.deletionPolicy.enum, ["Delete", "Merge", "Retain"]);
  const template = target.template.properties;
  assert.equal(template.engineVersion.default, "v2");
  assert.equal(template.mergePolicy.default, "Replace");
  assert.deepEqual(template.data, {
    type: "object",
    additionalProperties: { type: "string" },
    description: template.data.description,
  });
  const remoteRef = spec.properties.data.items.properties.remoteRef.properties;
  // ESO 2.9 dropped these defaults so GitOps tools see no drift in objects that omit them (#6453, #6798).
  const find = spec.properties.dataFrom.items.properties.find.properties;
  for (const [field, schema] of Object.entries({ ...remoteRef, ...find })) {
    if (/Strategy$|Policy$/.test(field)) assert.equal((schema as { default?: unknown }).default, undefined, field);
  }
  assert.deepEqual(remoteRef.decodingStrategy.enum, ["Auto", "Base64", "Base64URL", "None"]);
  assert.deepEqual(spec.properties.refreshPolicy.enum, ["CreatedOnce", "Periodic", "OnChange"]);
  assert.equal(spec.properties.secretStoreRef.properties.kind.default, "SecretStore");
  const psSpec = byName("pushsecrets.external-secrets.io").spec.versions[0].schema.openAPIV3Schema.properties.spec;
  assert.equal(psSpec.properties.updatePolicy.default, "Replace");
  assert.equal(psSpec.properties.deletionPolicy.default, "None");
  assert.deepEqual(psSpec.properties.data.items.properties.metadata, {
    description: "Provider-specific metadata.",
    "x-kubernetes-preserve-unknown-fields": true,
  });
});
