import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { cloudruSMProvider } from "../../src/providers/cloudrusm/index.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type CloudruFake, type CsmFakeSecret, startCloudruFake } from "../fakes/cloudrusm-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const PROJECT = "5f0b8c86-1b3e-4c39-9d57-3c5d9b0b1a77";
const OTHER_PROJECT = "0a6c1b9e-2222-4b44-8a88-000000000002";
const KEY_ID = "key-id-1";
const KEY_SECRET = "cloudru-key-secret-value";
const VALUES = ["csm-db-password", "csm-api-token"];
const ENV = ["CLOUDRU_IAM_URL", "CLOUDRU_CSM_URL"] as const;
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("cloudrusm (Cloud.ru Secret Manager) provider", () => {
  let fake: CloudruFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let db: CsmFakeSecret;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    fake = await startCloudruFake();
    for (const k of ENV) {
      saved[k] = process.env[k];
      process.env[k] = fake.url;
    }
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.issued.length = 0;
    fake.live.clear();
    fake.keys.clear();
    fake.keys.set(KEY_ID, KEY_SECRET);
    fake.secrets.length = 0;
    db = fake.addSecret(PROJECT, "app/db", [
      JSON.stringify({ password: "old" }),
      JSON.stringify({ password: VALUES[0], port: 5432, esc: 'a"b', nested: { k: 1 } }),
    ]);
    fake.addSecret(PROJECT, "app/api", [VALUES[1]!], { team: "web" });
    fake.addSecret(PROJECT, "other/cfg", ["plain"], { team: "web" });
    fake.addSecret(OTHER_PROJECT, "app/db", ["foreign"]);
    kube = new MemoryKubeAccess().setSecret("ns", "csm", { id: KEY_ID, secret: KEY_SECRET });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "csm", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      projectID: PROJECT,
      auth: {
        secretRef: {
          accessKeyIDSecretRef: { name: "csm", key: "id" },
          accessKeySecretSecretRef: { name: "csm", key: "secret" },
        },
      },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    cloudruSMProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field; the provider is read-only", () => {
    assert.deepEqual(cloudruSMProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.deepEqual(cloudruSMProvider.validate({ auth: {} } as any, "SecretStore").errors, [
      "spec.provider.cloudrusm.auth.secretRef: invalid spec: auth.secretRef is required",
      "spec.provider.cloudrusm.projectID: invalid spec: projectID is required",
    ]);
    const bad = cloudruSMProvider.validate(
      spec({
        projectID: "not-a-uuid",
        auth: {
          secretRef: { accessKeyIDSecretRef: { name: "csm" }, accessKeySecretSecretRef: { name: "csm", key: "s" } },
        },
      }),
      "SecretStore",
    );
    assert.deepEqual(bad.errors, [
      "spec.provider.cloudrusm.projectID: invalid spec: projectID is invalid UUID",
      "spec.provider.cloudrusm.auth.secretRef.accessKeyIDSecretRef.key: is required",
    ]);
    assert.equal(
      cloudruSMProvider.validate(spec({ projectID: PROJECT.replaceAll("-", "") }), "SecretStore").errors.length,
      0,
    );
    assert.equal(cloudruSMProvider.validate(spec(), "ClusterSecretStore").warnings.length, 2);
    assert.equal(cloudruSMProvider.capabilities(spec()), "ReadOnly");
  });

  test("store readiness: ready once the key gets an IAM token, not ready naming the cause otherwise", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("ns", "csm", { id: KEY_ID, secret: "wrong" });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /IAM access token: authentication failed \(HTTP 401\)/);
  });

  test("reads by path (latest or a version) and by secret id; property as upstream's gjson Str", async () => {
    const c = await client();
    const latest = JSON.parse((await c.getSecret({ key: "app/db" })).toString());
    assert.equal(latest.password, VALUES[0]);
    assert.equal((await c.getSecret({ key: "app/db", version: "1", property: "password" })).toString(), "old");
    assert.equal((await c.getSecret({ key: "app/db", version: "latest", property: "password" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: db.id, property: "password" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: db.id, version: "1", property: "password" })).toString(), "old");
    // gjson's Result.Str is empty for anything but a string.
    assert.equal((await c.getSecret({ key: "app/db", property: "port" })).toString(), "");
    assert.equal((await c.getSecret({ key: "app/api" })).toString(), VALUES[1]);
    await assert.rejects(
      c.getSecret({ key: "app/api", property: "x" }),
      /expecting the secret "app\/api" in JSON format/,
    );
    await assert.rejects(c.getSecret({ key: "app/db", property: "absent" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "app/db", version: "v2" }), /should be a valid int32 value or 'latest'/);
    assert.ok(fake.requests.some((r) => r.startsWith(`GET /v2/secret/app/db/access?projectId=${PROJECT}&version=1`)));
    assert.ok(fake.requests.includes(`GET /v1/secrets/${db.id}/versions/latest/payload`));
  });

  test("a map read keeps each member's raw JSON with the quotes of strings trimmed", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: "app/db" })), {
      password: VALUES[0]!,
      port: "5432",
      esc: 'a\\"b',
      nested: '{"k":1}',
    });
    await assert.rejects(c.getSecretMap({ key: "app/api" }), /in JSON format/);
  });

  test("find searches the project by path, labels and name regexp, keyed by path", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getAllSecrets({ tags: { team: "web" } })), {
      "app/api": VALUES[1]!,
      "other/cfg": "plain",
    });
    assert.deepEqual(Object.keys(await c.getAllSecrets({ path: "app" })).sort(), ["app/api", "app/db"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ name: { regexp: "^c" } })), ["other/cfg"]);
    await assert.rejects(c.getAllSecrets({}), /at least one of the following fields must be set: tags, name, path/);
    assert.ok(
      fake.requests.some((r) => r.includes("/search?") && r.includes("depth=-1") && r.includes("labels%5Bteam%5D=web")),
    );
  });

  test("push, delete and exists are refused with upstream's messages", async () => {
    const c = await client();
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      (e) => e instanceof NotSupportedError && /push secret is not supported/.test(e.message),
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "k" }), /secret exists is not supported/);
  });

  test("one IAM token serves many reads and clients; a revoked token is replaced once", async () => {
    const c = await client();
    await c.getSecret({ key: "app/api" });
    await (await client()).getSecret({ key: "app/api" });
    assert.equal(fake.issued.length, 1);
    fake.live.clear();
    assert.equal((await c.getSecret({ key: "app/api" })).toString(), VALUES[1]);
    assert.equal(fake.issued.length, 2);
  });

  test("failures map to provider errors naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "app/absent" }),
      (e) => e instanceof NoSecretError && /app\/absent/.test(e.message),
    );
    await c.validate();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "app/db" }), /HTTP 503/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderAuthError);
    kube.setSecret("ns", "csm", { id: KEY_ID, secret: "wrong" });
    await assert.rejects((await client()).getSecret({ key: "app/db" }), ProviderAuthError);
  });

  test("no secret value, key secret or token in any error", async () => {
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    const c = await client();
    await collect(c.getSecret({ key: "app/db", property: "absent" }));
    await collect(c.getSecret({ key: "app/api", property: "x" }));
    fake.faults.push({ status: 500, body: { code: 13, message: VALUES[0] } });
    await collect(c.getSecret({ key: "app/db" }));
    kube.setSecret("ns", "csm", { id: KEY_ID, secret: "wrong-key-secret" });
    await collect((await client()).getSecret({ key: "app/db" }));
    for (const m of messages) {
      for (const v of [...VALUES, KEY_SECRET, "wrong-key-secret", ...fake.issued])
        assert.ok(!m.includes(v), `${m} leaks ${v}`);
    }
  });

  test("tenancy: a SecretStore reads its key only from its own namespace", async () => {
    kube.setSecret("other", "csm", { id: KEY_ID, secret: KEY_SECRET });
    await assert.rejects(
      client({
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: "csm", key: "id", namespace: "other" },
            accessKeySecretSecretRef: { name: "csm", key: "secret" },
          },
        },
      }),
      StoreConfigError,
    );
    await assert.rejects(client({ projectID: undefined }), StoreConfigError);
  });
});
