import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { convert } from "../../src/api/conversion.js";
import { formatValidationError, isESOObject, validateObject } from "../../src/api/validation.js";
import { builtinProviders } from "../../src/providers/builtin.js";
import { repoPath } from "./repo.js";

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(name) ? [p] : [];
    });
}

function manifests(file: string): any[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS())
    .filter((o) => o != null);
}

const root = repoPath("examples");
const files = yamlFiles(root);

test("every example manifest validates without errors", () => {
  assert.ok(files.length >= 40, `found only ${files.length} example files`);
  for (const file of files) {
    for (const obj of manifests(file)) {
      const errors = validateObject(obj).filter((e) => e.severity === "error");
      assert.deepEqual(errors.map(formatValidationError), [], relative(root, file));
    }
  }
});

test("the v1 examples cover every provider, generator and kind", () => {
  const v1 = files.filter((f) => !f.includes(`${join("examples", "seeds")}`)).flatMap(manifests);
  const kinds = new Set(v1.map((o) => o.kind));
  for (const kind of [
    "SecretStore",
    "ClusterSecretStore",
    "ExternalSecret",
    "ClusterExternalSecret",
    "PushSecret",
    "ClusterPushSecret",
    "Password",
    "UUID",
    "Fake",
    "SSHKey",
    "VaultDynamicSecret",
    "ECRAuthorizationToken",
    "Webhook",
    "ClusterGenerator",
  ]) {
    assert.ok(kinds.has(kind), kind);
  }
  const providers = new Set(
    v1.filter((o) => o.kind.endsWith("SecretStore")).flatMap((o) => Object.keys(o.spec.provider)),
  );
  const providerDir = repoPath("src/providers");
  const folders = readdirSync(providerDir).filter((n) => n !== "util" && statSync(join(providerDir, n)).isDirectory());
  const registered = builtinProviders.map((p) => p.name).sort();
  assert.deepEqual(registered, folders.sort());
  assert.deepEqual([...providers].sort(), registered);
  for (const o of v1.filter((m) => m.apiVersion.startsWith("external-secrets.io/") && m.kind.includes("External"))) {
    assert.equal(o.apiVersion, "external-secrets.io/v1", o.metadata.name);
  }
});

test("every seed manifest is v1beta1, validates, and converts to v1 and back unchanged", () => {
  const seeds = files.filter((f) => f.includes(join("examples", "seeds"))).flatMap(manifests);
  const eso = seeds.filter(isESOObject);
  assert.ok(eso.length >= 25, `only ${eso.length} seed manifests`);
  for (const obj of eso) {
    assert.equal(obj.apiVersion, "external-secrets.io/v1beta1");
    const v1 = convert(obj, "external-secrets.io/v1");
    const errors = validateObject(v1).filter((e) => e.severity === "error");
    assert.deepEqual(errors.map(formatValidationError), []);
    assert.deepEqual(convert(v1, "external-secrets.io/v1beta1"), obj);
  }
  // Non-ESO objects in the seeds are parsed and ignored.
  assert.ok(seeds.some((o) => o.kind === "ServiceAccount"));
  assert.ok(seeds.some((o) => o.kind === "NetworkPolicy"));
  for (const o of seeds.filter((m) => !isESOObject(m))) assert.deepEqual(validateObject(o), []);
});
