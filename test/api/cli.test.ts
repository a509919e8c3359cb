import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { repoPath, repoRoot } from "./repo.js";

// Compiled tests run the compiled CLI; tests run from TypeScript run the TypeScript CLI through tsx.
const fromSource = fileURLToPath(import.meta.url).endsWith(".ts");
const cli = fromSource
  ? ["--import", "tsx", repoPath("src", "cli", "main.ts")]
  : [fileURLToPath(new URL("../../src/cli/main.js", import.meta.url))];

function eso(...args: string[]) {
  const r = spawnSync(process.execPath, [...cli, ...args], {
    cwd: repoRoot(),
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "eso-validate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("eso validate exits 0 on the examples and prints a summary", () => {
  const r = eso("validate", "-f", "examples/");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\d+ file\(s\), \d+ object\(s\), \d+ ESO object\(s\) validated.*: no errors/);
});

test("eso validate exits 1 and names the object and field of a broken manifest", () => {
  const file = join(dir, "broken.yaml");
  writeFileSync(
    file,
    `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ignored
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: broken
  namespace: prod
spec:
  refreshInterval: 1d
  secretStoreRef:
    name: vault
  target:
    creationPolicy: Merge
    deletionPolicy: Delete
  data:
    - secretKey: "not valid"
      remoteRef:
        key: app
`,
  );
  const r = eso("validate", "-f", file);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split("\n");
  assert.ok(
    lines.some((l) =>
      l.endsWith(
        `ExternalSecret prod/broken: spec.refreshInterval: unknown unit "d" in duration "1d" (Go duration such as 1h, 30m, 1h30m, 15s or 0)`,
      ),
    ),
  );
  assert.ok(lines.some((l) => l.includes("ExternalSecret prod/broken: spec.data[0].secretKey:")));
  assert.ok(lines.some((l) => l.includes("ExternalSecret prod/broken: spec.target.deletionPolicy:")));
  assert.ok(!r.stdout.includes("ServiceAccount"));
  assert.match(r.stderr, /3 error\(s\)/);
});

/** Runs a subcommand module in-process, capturing what it writes. */
async function inProcess(run: (argv: string[]) => Promise<number>, argv: string[]) {
  let out = "";
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = process.stdout.write;
  try {
    return { code: await run(argv), out };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

test("eso validate reports unreadable input and bad usage", async () => {
  const { run, help } = await import("../../src/cli/validate.js");
  const yamlError = join(dir, "bad.yml");
  writeFileSync(yamlError, "apiVersion: [unclosed\n");
  const bad = await inProcess(run, ["-f", yamlError]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /bad\.yml: YAML: /);
  const missing = await inProcess(run, ["-f", join(dir, "missing.yaml")]);
  assert.equal(missing.code, 1);
  assert.match(missing.out, /no such file or directory/);
  assert.equal((await inProcess(run, [])).code, 2);
  assert.match(help, /eso validate -f examples\//);
});

test("eso crds prints the CRD bundle", () => {
  const r = eso("crds");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^---\napiVersion: apiextensions\.k8s\.io\/v1\nkind: CustomResourceDefinition\n/);
  assert.ok(r.stdout.includes("name: externalsecrets.external-secrets.io"));
});

test("eso validate skips documents with neither apiVersion nor kind, and still fails one missing only kind", async () => {
  const { run } = await import("../../src/cli/validate.js");
  const values = join(dir, "values.yaml");
  writeFileSync(
    values,
    `replicaCount: 2
image:
  repository: ghcr.io/external-secrets/external-secrets
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: fake
  namespace: demo
spec:
  provider:
    fake:
      data: []
`,
  );
  const ok = await inProcess(run, ["-f", values]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(
    ok.out,
    /1 object\(s\), 1 ESO object\(s\) validated, 1 document\(s\) skipped \(not Kubernetes objects\): no errors/,
  );
  assert.doesNotMatch(ok.out, /apiVersion: is required/);
  const half = join(dir, "half.yaml");
  writeFileSync(half, "apiVersion: external-secrets.io/v1\nmetadata:\n  name: x\n");
  const bad = await inProcess(run, ["-f", half]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /kind: is required/);
});
