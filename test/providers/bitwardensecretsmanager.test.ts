import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { bitwardenSecretsManagerProvider as provider } from "../../src/providers/bitwardensecretsmanager/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type BitwardenFake, startBitwardenFake } from "../fakes/bitwarden-sdk-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ORG = "7b5c8a6e-2f1d-4c3b-9a8e-1d2c3b4a5f60";
const PROJECT = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const OTHER_PROJECT = "11111111-2222-4333-8444-555555555555";
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("bitwardensecretsmanager provider", () => {
  let fake: BitwardenFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startBitwardenFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.headers.length = 0;
    fake.secrets.length = 0;
    fake.add({ key: "db-password", value: "s3cr3t-db", organizationId: ORG, projectId: PROJECT });
    fake.add({ key: "db-password", value: "other-project-pw", organizationId: ORG, projectId: OTHER_PROJECT });
    fake.add({ key: "config", value: '{"host":"db","port":5432}', organizationId: ORG, projectId: PROJECT });
    fake.add({
      key: "yaml-config",
      value: "user: app\nlimits:\n  cpu: 2\nflag: true\n",
      organizationId: ORG,
      projectId: PROJECT,
    });
    fake.add({ key: "elsewhere", value: "x", organizationId: "99999999-9999-4999-8999-999999999999", projectId: null });
    kube = new MemoryKubeAccess()
      .setSecret("ns", "bw", { token: fake.token })
      .setSecret("ns", "bw-ca", { "ca.crt": fake.caPem });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "bw", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      bitwardenServerSDKURL: fake.url,
      apiURL: "https://api.bitwarden.example/",
      identityURL: "https://identity.bitwarden.example",
      caBundle: Buffer.from(fake.caPem).toString("base64"),
      organizationID: ORG,
      projectID: PROJECT,
      auth: { secretRef: { credentials: { name: "bw", key: "token" } } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> => provider.newClient(spec(extra), ctx);

  test("readiness: ready with a good token, not ready naming the cause with a bad one", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    assert.deepEqual(fake.headers[0], {
      apiUrl: "https://api.bitwarden.example",
      identityUrl: "https://identity.bitwarden.example",
    });
    kube.setSecret("ns", "bw", { token: "0.wrong" });
    const bad = await (await client()).validate();
    assert.equal(bad.ready, false);
    assert.match(bad.message ?? "", /authentication failed/);
  });

  test("validate(spec) names each bad field and warns without a CA", () => {
    const v = provider.validate(
      { organizationID: "", projectID: "", bitwardenServerSDKURL: "", auth: { secretRef: { credentials: {} } } } as any,
      "SecretStore",
    );
    assert.deepEqual(v.errors, [
      "spec.provider.bitwardensecretsmanager.auth.secretRef.credentials.name: is required",
      "spec.provider.bitwardensecretsmanager.auth.secretRef.credentials.key: is required",
      "spec.provider.bitwardensecretsmanager.organizationID: is required",
      "spec.provider.bitwardensecretsmanager.projectID: is required",
      "spec.provider.bitwardensecretsmanager.bitwardenServerSDKURL: bitwardenServerSDKURL not configured",
    ]);
    assert.match(v.warnings.join("\n"), /Neither CA nor CA bundle is configured/);
    const ok = provider.validate(spec(), "SecretStore");
    assert.deepEqual(ok, { errors: [], warnings: [] });
    const plain = provider.validate(
      spec({
        bitwardenServerSDKURL: "http://sdk:9998",
        caBundle: undefined,
        caProvider: { type: "Secret", name: "bw-ca", key: "ca.crt" },
      }),
      "SecretStore",
    );
    assert.match(plain.warnings.join("\n"), /should be served over HTTPS/);
    assert.match(
      provider.validate(spec({ bitwardenServerSDKURL: "not a url" }), "SecretStore").errors[0]!,
      /bitwardenServerSDKURL: is not a valid URL/,
    );
  });

  test("the SDK server's certificate must chain to caBundle or caProvider", async () => {
    const viaProvider = await client({
      caBundle: undefined,
      caProvider: { type: "Secret", name: "bw-ca", key: "ca.crt" },
    });
    assert.equal((await viaProvider.getSecret({ key: "db-password" })).toString(), "s3cr3t-db");
    const noCA = await client({ caBundle: undefined });
    await assert.rejects(noCA.getSecret({ key: "db-password" }), /request failed/);
  });

  test("getSecret by name within the project, and by ID", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "db-password" })).toString(), "s3cr3t-db");
    const other = fake.secrets.find((s) => s.projectId === OTHER_PROJECT)!;
    assert.equal((await c.getSecret({ key: other.id })).toString(), "other-project-pw");
    assert.ok(
      fake.requests.some((r) => r.startsWith("GET /rest/api/1/secrets ") && r.includes(`"organizationID":"${ORG}"`)),
    );
    assert.ok(fake.requests.some((r) => r === `GET /rest/api/1/secret {"id":"${other.id}"}`));
  });

  test("getSecretMap reads JSON and YAML values", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: "config" })), { host: "db", port: "5432" });
    assert.deepEqual(str(await c.getSecretMap({ key: "yaml-config" })), {
      user: "app",
      limits: "cpu: 2",
      flag: "true",
    });
    await assert.rejects(c.getSecretMap({ key: "db-password" }), (e: Error) => {
      assert.ok(e instanceof StoreConfigError);
      assert.doesNotMatch(e.message, /s3cr3t/);
      return true;
    });
  });

  test("getAllSecrets: the organization's secrets keyed by ID, filtered by name; tags and path refused", async () => {
    const c = await client();
    const all = str(await c.getAllSecrets({ name: { regexp: "^db-" } }));
    assert.equal(Object.keys(all).length, 2);
    assert.deepEqual(Object.values(all).sort(), ["other-project-pw", "s3cr3t-db"]);
    for (const id of Object.keys(all)) assert.ok(fake.secrets.some((s) => s.id === id));
    assert.equal(Object.keys(await c.getAllSecrets({})).length, 4);
    await assert.rejects(c.getAllSecrets({ tags: { a: "b" } }), NotSupportedError);
    await assert.rejects(c.getAllSecrets({ path: "db" }), NotSupportedError);
  });

  test("push creates, updates only the value of a matching secret, and leaves an identical one alone", async () => {
    const c = await client();
    const src = { name: "src", namespace: "ns", data: { pw: Buffer.from("v1") } };
    await c.pushSecret(src, { secretKey: "pw", remoteRef: { remoteKey: "pushed" }, metadata: { note: "from eso" } });
    const created = fake.secrets.find((s) => s.key === "pushed")!;
    assert.deepEqual(
      { value: created.value, note: created.note, projectId: created.projectId, org: created.organizationId },
      { value: "v1", note: "from eso", projectId: PROJECT, org: ORG },
    );
    fake.requests.length = 0;
    await c.pushSecret(src, { secretKey: "pw", remoteRef: { remoteKey: "pushed" }, metadata: { note: "from eso" } });
    assert.ok(!fake.requests.some((r) => r.startsWith("POST") || r.startsWith("PUT")), "identical push writes nothing");
    await c.pushSecret(
      { ...src, data: { pw: Buffer.from("v2") } },
      { secretKey: "pw", remoteRef: { remoteKey: "pushed" }, metadata: { note: "from eso" } },
    );
    assert.equal(fake.secrets.filter((s) => s.key === "pushed").length, 1);
    assert.equal(created.value, "v2");
    // Another note: not provably ours, so a new secret is created next to it.
    await c.pushSecret(src, { secretKey: "pw", remoteRef: { remoteKey: "pushed" } });
    assert.equal(fake.secrets.filter((s) => s.key === "pushed").length, 2);
    await assert.rejects(
      c.pushSecret(src, { secretKey: "pw", remoteRef: { remoteKey: "" } }),
      /remote key must be defined/,
    );
  });

  test("exists and delete: by name within the project and by ID; a missing secret is left alone", async () => {
    const c = await client();
    assert.equal(await c.secretExists({ remoteKey: "db-password" }), true);
    assert.equal(await c.secretExists({ remoteKey: "nope" }), false);
    assert.equal(await c.secretExists({ remoteKey: "00000000-0000-4000-8000-000000000000" }), false);
    await c.deleteSecret({ remoteKey: "db-password" });
    assert.deepEqual(
      fake.secrets.filter((s) => s.key === "db-password").map((s) => s.projectId),
      [OTHER_PROJECT],
      "only the store's project's secret is deleted",
    );
    await c.deleteSecret({ remoteKey: "db-password" });
    const cfg = fake.secrets.find((s) => s.key === "config")!;
    await c.deleteSecret({ remoteKey: cfg.id });
    assert.ok(!fake.secrets.includes(cfg));
    await assert.rejects(c.deleteSecret({ remoteKey: cfg.id }), /errors deleting secrets/);
  });

  test("failures: not found, two in the project, bad token, throttling and server errors", async () => {
    const c = await client();
    await assert.rejects(c.getSecret({ key: "missing" }), (e: Error) => {
      assert.ok(e instanceof NoSecretError);
      assert.match(e.message, /"missing"/);
      return true;
    });
    await assert.rejects(c.getSecret({ key: "00000000-0000-4000-8000-000000000000" }), NoSecretError);
    fake.add({ key: "db-password", value: "dup", organizationId: ORG, projectId: PROJECT });
    await assert.rejects(c.getSecret({ key: "db-password" }), /more than one secret found/);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "config" }), ProviderThrottledError);
    fake.faults.push({ status: 400, body: "failed to list secrets: API error: 429 Too Many Requests" });
    await assert.rejects(c.getSecret({ key: "config" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "config" }), /HTTP 503/);
    kube.setSecret("ns", "bw", { token: "0.wrong" });
    await assert.rejects((await client()).getSecret({ key: "config" }), ProviderAuthError);
  });

  test("a hanging SDK server is cut off at the reconcile deadline", async () => {
    const c = await provider.newClient(spec(), { ...ctx, deadline: Date.now() + 300 });
    fake.faults.push({ hang: true });
    const started = Date.now();
    await assert.rejects(c.getSecret({ key: "config" }), /timed out/);
    assert.ok(Date.now() - started < 5000);
  });

  test("no value or token in any error message", async () => {
    const c = await client();
    const errors: Error[] = [];
    const grab = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => errors.push(e),
      );
    await grab(c.getSecretMap({ key: "db-password" }));
    fake.faults.push({ status: 400, body: `failed: value s3cr3t-db token ${fake.token}` });
    await grab(c.getSecret({ key: "config" }));
    kube.setSecret("ns", "bw", { token: "0.wrong-token-value" });
    await grab((await client()).getSecret({ key: "config" }));
    for (const e of errors) {
      for (const secret of ["s3cr3t-db", fake.token, "0.wrong-token-value", "5432"]) {
        assert.ok(!e.message.includes(secret), `"${e.message}" leaks a value`);
      }
    }
  });

  test("tenancy: a SecretStore may not read credentials or a CA from another namespace", async () => {
    kube.setSecret("other", "bw", { token: fake.token });
    await assert.rejects(
      client({ auth: { secretRef: { credentials: { name: "bw", key: "token", namespace: "other" } } } }),
      StoreConfigError,
    );
    await assert.rejects(
      client({ caBundle: undefined, caProvider: { type: "Secret", name: "bw-ca", key: "ca.crt", namespace: "other" } }),
      StoreConfigError,
    );
    const cluster = await provider.newClient(
      spec({ auth: { secretRef: { credentials: { name: "bw", key: "token", namespace: "other" } } } }),
      { ...ctx, storeKind: "ClusterSecretStore", namespace: "app" },
    );
    assert.equal((await cluster.getSecret({ key: "db-password" })).toString(), "s3cr3t-db");
  });
});
