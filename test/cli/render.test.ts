import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { eso } from "./cli-runner.js";

const dir = mkdtempSync(join(tmpdir(), "eso-render-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface SecretOut {
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  type?: string;
  data: Record<string, string>;
}

function decoded(secret: SecretOut): Record<string, string> {
  return Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
}

function render(...args: string[]): { secret: SecretOut; stderr: string } {
  const r = eso("render", ...args);
  assert.equal(r.code, 0, r.stderr);
  return { secret: parseYaml(r.stdout) as SecretOut, stderr: r.stderr };
}

const FAKE_STORE = "examples/secretstores/fake.yaml";
const EXAMPLES = "examples/externalsecrets";

describe("eso render: the fake-provider examples in examples/externalsecrets", () => {
  it("merge-into-existing: masked by default, merged into the existing Secret given with --secret-file", () => {
    const masked = render("-f", `${EXAMPLES}/merge-into-existing.yaml`, "-f", FAKE_STORE);
    assert.deepEqual(masked.secret.data, { extra: "<masked: 6 bytes>" });
    assert.match(masked.stderr, /creationPolicy=Merge/);
    assert.doesNotMatch(masked.stderr + JSON.stringify(masked.secret), /s3cr3t/);

    const existing = file(
      "existing.yaml",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: existing-secret\n  namespace: demo\nstringData:\n  other: keep-me\n",
    );
    const shown = render(
      "-f",
      `${EXAMPLES}/merge-into-existing.yaml`,
      "-f",
      FAKE_STORE,
      "--secret-file",
      existing,
      "--show-values",
    );
    assert.deepEqual(decoded(shown.secret), { extra: "s3cr3t", other: "keep-me" });
    assert.equal(shown.secret.metadata.annotations?.["reconcile.external-secrets.io/managed-keys"], "extra");
    assert.equal(shown.secret.metadata.ownerReferences, undefined, "Merge never takes ownership");
  });

  it("template-from: ConfigMap, Secret and literal templates, with labels and annotations", () => {
    const templates = file(
      "templates.yaml",
      [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: app-templates, namespace: demo}",
        "data:",
        '  application.properties: "db.password={{ .password }}"',
        "---",
        "apiVersion: v1",
        "kind: Secret",
        "metadata: {name: secret-templates, namespace: demo}",
        "stringData:",
        "  keys.tmpl: 'upper-password: \"{{ .password | upper }}\"'",
        "",
      ].join("\n"),
    );
    const { secret } = render(
      "-f",
      `${EXAMPLES}/template-from.yaml`,
      "-f",
      FAKE_STORE,
      "-f",
      templates,
      "--show-values",
    );
    assert.deepEqual(decoded(secret), {
      "application.properties": "db.password=s3cr3t",
      password: "s3cr3t",
      "upper-password": "S3CR3T",
    });
    assert.equal(secret.metadata.labels?.app, "demo");
    assert.match(secret.metadata.annotations?.["rotated-at"] ?? "", /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(
      secret.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}`),
      ["ExternalSecret/templated-config"],
    );

    const masked = render("-f", `${EXAMPLES}/template-from.yaml`, "-f", FAKE_STORE, "-f", templates, "-o", "json");
    assert.deepEqual(Object.keys(masked.secret.data).sort(), ["application.properties", "password", "upper-password"]);
    assert.ok(Object.values(masked.secret.data).every((v) => /^<masked: \d+ bytes>$/.test(v)));
  });

  it("generator: a Password from the generator manifest, as long as its spec says", () => {
    const { secret } = render(
      "-f",
      `${EXAMPLES}/generator.yaml`,
      "-f",
      "examples/generators/password.yaml",
      "--show-values",
    );
    const password = decoded(secret).password ?? "";
    assert.equal(password.length, 32);
    assert.equal(password.replace(/[^0-9]/g, "").length, 5);
    assert.equal(password.replace(/[^-_$@]/g, "").length, 5);
    const masked = render("-f", `${EXAMPLES}/generator.yaml`, "-f", "examples/generators/password.yaml");
    assert.deepEqual(masked.secret.data, { password: "<masked: 32 bytes>" });
  });

  it("datafrom-merge: found JSON secrets are merged into one key after their names are rewritten", () => {
    const { secret } = render("-f", `${EXAMPLES}/datafrom-merge.yaml`, "-f", FAKE_STORE, "--show-values");
    assert.equal(secret.metadata.name, "merged");
    const merged = JSON.parse(Buffer.from(secret.data["config.json"]!, "base64").toString("utf8"));
    assert.deepEqual(merged, { token: "t0ken", user: "app" });
    assert.ok(secret.data["app-config"], "the rewritten source key is kept, as upstream");
  });
});

describe("eso render: the sandbox demo set", () => {
  const expected: Record<string, Record<string, string>> = {
    "sandbox/db-credentials": { username: "app", password: "s3cr3t-v1", "api-token": "tok-v1" },
    "sandbox/app-config": { region: "eu-west-1", replicas: "3", "log-level": "info", "feature-flags": '{"beta":true}' },
  };
  for (const [name, data] of Object.entries(expected)) {
    it(`${name} renders the values of its fake store`, () => {
      const { secret } = render("-f", "examples/sandbox/", "--name", name, "--show-values");
      assert.deepEqual(decoded(secret), data);
    });
  }

  it("payments/registry-credentials renders a dockerconfigjson from the ClusterSecretStore", () => {
    const { secret } = render("-f", "examples/sandbox/", "--name", "payments/registry-credentials", "--show-values");
    assert.equal(secret.type, "kubernetes.io/dockerconfigjson");
    const config = JSON.parse(decoded(secret)[".dockerconfigjson"]!);
    assert.equal(Buffer.from(config.auths["registry.example.com"].auth, "base64").toString(), "robot:r3g1stry");
  });
});

describe("eso render --data", () => {
  it("uses the given values in place of the provider (property, decoding, templates)", () => {
    const { secret } = render(
      "-f",
      `${EXAMPLES}/data.yaml`,
      "--data",
      'prod/db={"username":"u1","password":"p1"}',
      "--data",
      `prod/db-ca=${Buffer.from("CA PEM").toString("base64")}`,
      "--show-values",
    );
    assert.deepEqual(decoded(secret), { username: "u1", password: "p1", "ca.crt": "CA PEM" });

    const templated = render(
      "-f",
      `${EXAMPLES}/template.yaml`,
      "--data",
      'registry={"user":"u","password":"p"}',
      "--show-values",
    );
    const config = JSON.parse(decoded(templated.secret)[".dockerconfigjson"]!);
    assert.equal(Buffer.from(config.auths["registry.example.com"].auth, "base64").toString(), "u:p");
  });

  it("accepts a v1beta1 manifest (a seed) and converts it as the API server would", () => {
    const { secret } = render(
      "-f",
      "examples/seeds/000-eso-concepts.yaml",
      "--name",
      "production/app-secrets",
      "--data",
      'production/database={"password":"pw"}',
      "--data",
      'production/api-keys={"stripe-key":"sk"}',
      "--data",
      'production/redis={"connection-string":"redis://r"}',
      "--show-values",
    );
    assert.deepEqual(decoded(secret), { "db-password": "pw", "api-key": "sk", "redis-url": "redis://r" });
    assert.equal(secret.metadata.ownerReferences?.[0]?.kind, "ExternalSecret");
  });

  it("exits 1 naming the data entry and key when a value is missing", () => {
    const r = eso("render", "-f", `${EXAMPLES}/data.yaml`, "--data", 'prod/db={"username":"u1","password":"p1"}');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\.data\[2\], key: prod\/db-ca/);
    assert.doesNotMatch(r.stderr, /u1|p1/);
  });
});

describe("eso render errors", () => {
  it("a broken ExternalSecret exits 1 with the field path", () => {
    const broken = file(
      "broken.yaml",
      [
        "apiVersion: external-secrets.io/v1",
        "kind: ExternalSecret",
        "metadata: {name: broken, namespace: demo}",
        "spec:",
        "  secretStoreRef: {name: fake}",
        "  data:",
        "    - secretKey: 'not a key!'",
        "      remoteRef: {key: /db/password}",
        "",
      ].join("\n"),
    );
    const r = eso("render", "-f", broken, "-f", FAKE_STORE);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ExternalSecret demo\/broken: spec\.data\[0\]\.secretKey/);
  });

  it("a remote key the store does not have exits 1 naming the data entry and key", () => {
    const missing = file(
      "missing.yaml",
      "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: m, namespace: demo}\nspec:\n  secretStoreRef: {name: fake}\n  data:\n    - secretKey: x\n      remoteRef: {key: /no/such/key}\n",
    );
    const r = eso("render", "-f", missing, "-f", FAKE_STORE);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\.data\[0\], key: \/no\/such\/key/);
  });

  it("a broken store exits 1 naming the store and its field", () => {
    const store = file(
      "bad-store.yaml",
      "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: fake, namespace: demo}\nspec:\n  provider:\n    fake:\n      data:\n        - value: x\n",
    );
    const r = eso("render", "-f", `${EXAMPLES}/merge-into-existing.yaml`, "-f", store);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SecretStore demo\/fake: spec\.provider\.fake\.data\[0\]\.key: is required/);
  });

  it("a store that was not supplied exits 1 and says how to supply it", () => {
    const r = eso("render", "-f", `${EXAMPLES}/merge-into-existing.yaml`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SecretStore "fake" not found in namespace demo: pass its manifest with -f/);
  });

  it("usage errors exit 2", () => {
    assert.equal(eso("render").code, 2);
    assert.equal(eso("render", "-f", FAKE_STORE).code, 2, "no ExternalSecret");
    assert.equal(eso("render", "-f", "examples/sandbox/").code, 2, "several ExternalSecrets without --name");
    assert.equal(eso("render", "-f", `${EXAMPLES}/data.yaml`, "--data", "novalue").code, 2);
    assert.equal(eso("render", "-f", `${EXAMPLES}/data.yaml`, "--bogus").code, 2);
    assert.equal(eso("render", "-f", "no/such/file.yaml").code, 2);
    assert.equal(eso("render", "-f", `${EXAMPLES}/data.yaml`, "-o", "xml").code, 2);
  });

  it("--help shows examples", () => {
    const r = eso("render", "--help");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}eso render -f/);
  });
});
