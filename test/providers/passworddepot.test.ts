import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { passwordDepotProvider } from "../../src/providers/passworddepot/index.js";
import { PASSWORDDEPOT_API_URL_ENV, passwordDepotBaseUrl } from "../../src/providers/passworddepot/transport.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type PasswordDepotFake, startPasswordDepotFake } from "../fakes/passworddepot-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const PASSWORD = "depot-user-password";
const VALUES = ["pd-db-password", "pd-nested-password"];

describe("passworddepot provider", () => {
  let fake: PasswordDepotFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let saved: string | undefined;

  before(async () => {
    fake = await startPasswordDepotFake();
    saved = process.env[PASSWORDDEPOT_API_URL_ENV];
    process.env[PASSWORDDEPOT_API_URL_ENV] = fake.url;
  });
  after(async () => {
    if (saved === undefined) delete process.env[PASSWORDDEPOT_API_URL_ENV];
    else process.env[PASSWORDDEPOT_API_URL_ENV] = saved;
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.users.clear();
    fake.users.set("eso", PASSWORD);
    fake.sessions.clear();
    fake.logins = 0;
    fake.databases.length = 0;
    fake.databases.push({ name: "Archive", fingerprint: "db-0", entries: [] });
    fake.databases.push({
      name: "Team-Production",
      fingerprint: "db-1",
      entries: [
        { fingerprint: "e-1", name: "postgres-main", fields: { login: "app", pass: VALUES[0]!, url: "db.local" } },
        {
          fingerprint: "f-1",
          name: "infra",
          children: [{ fingerprint: "e-2", name: "redis", fields: { pass: VALUES[1]!, comment: "cache" } }],
        },
      ],
    });
    kube = new MemoryKubeAccess().setSecret("ns", "pd", { username: "eso", password: PASSWORD });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "pd", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      host: "depot.example",
      database: "Production",
      auth: { secretRef: { credentials: { name: "pd" } } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    passwordDepotProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field; upstream's fixed https port is the default address", () => {
    assert.deepEqual(passwordDepotProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    const bad = passwordDepotProvider.validate(
      { host: "https://x/y", database: "", auth: { secretRef: {} } } as any,
      "SecretStore",
    );
    assert.deepEqual(bad.errors, [
      "spec.provider.passworddepot.host: must be a host name, without scheme or path",
      "spec.provider.passworddepot.database: is required",
      "spec.provider.passworddepot.auth.secretRef.credentials.name: credentials are empty",
    ]);
    assert.equal(passwordDepotProvider.validate(spec(), "ClusterSecretStore").warnings.length, 1);
    assert.equal(passwordDepotProvider.capabilities(spec()), "ReadOnly");
    delete process.env[PASSWORDDEPOT_API_URL_ENV];
    try {
      assert.equal(passwordDepotBaseUrl("depot.example"), "https://depot.example:8714/v1.0");
    } finally {
      process.env[PASSWORDDEPOT_API_URL_ENV] = fake.url;
    }
  });

  test("store readiness: ready after a login and the database lookup; not ready naming the cause", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    const noDb = await (await client({ database: "Staging" })).validate();
    assert.equal(noDb.ready, false);
    assert.match(noDb.message ?? "", /database "Staging" not found/);
    kube.setSecret("ns", "pd", { username: "eso", password: "wrong" });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /login: failed to authenticate with the given credentials \(HTTP 401\)/);
  });

  test("reads an entry's field by property, through folders with dotted keys; a map read gives every field", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "postgres", property: "pass" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "infra.redis", property: "pass" })).toString(), VALUES[1]);
    assert.equal((await c.getSecret({ key: "postgres", property: "comment" })).toString(), "");
    await assert.rejects(c.getSecret({ key: "postgres" }), /key "" not found in secret data/);
    await assert.rejects(c.getSecret({ key: "postgres", property: "nope" }), /key "nope" not found in secret data/);
    const m = await c.getSecretMap({ key: "infra.redis" });
    assert.equal(Object.keys(m).length, 23);
    assert.equal(m.pass!.toString(), VALUES[1]);
    assert.equal(m.comment!.toString(), "cache");
    assert.equal(m.login!.toString(), "");
    assert.ok(fake.requests.includes("GET /v1.0/read"));
  });

  test("find, push, delete and exists are refused as upstream refuses them", async () => {
    const c = await client();
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), /GetAllSecrets not implemented/);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      NotSupportedError,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "k" }), NotSupportedError);
  });

  test("one login serves many reads; an expired session logs in again once", async () => {
    const c = await client();
    await c.getSecret({ key: "postgres", property: "pass" });
    await (await client()).getSecret({ key: "postgres", property: "login" });
    assert.equal(fake.logins, 1);
    fake.sessions.clear();
    assert.equal((await c.getSecret({ key: "postgres", property: "pass" })).toString(), VALUES[0]);
    assert.equal(fake.logins, 2);
  });

  test("failures map to provider errors naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "absent", property: "pass" }),
      (e) => e instanceof NoSecretError && /"absent"/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "infra.absent", property: "pass" }), NoSecretError);
    await c.validate();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "postgres", property: "pass" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "postgres", property: "pass" }), /HTTP 500/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "postgres", property: "pass" }), ProviderAuthError);
    kube.setSecret("ns", "pd", { username: "eso", password: "wrong" });
    await assert.rejects((await client()).getSecret({ key: "postgres", property: "pass" }), ProviderAuthError);
  });

  test("no secret value, password or session token in any error", async () => {
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    const c = await client();
    await collect(c.getSecret({ key: "postgres", property: "absent" }));
    fake.faults.push({ status: 500, body: { error: VALUES[0] } });
    await collect(c.getSecret({ key: "postgres", property: "pass" }));
    kube.setSecret("ns", "pd", { username: "eso", password: "wrong-password-value" });
    await collect((await client()).getSecret({ key: "postgres", property: "pass" }));
    for (const m of messages) {
      for (const v of [...VALUES, PASSWORD, "wrong-password-value", ...fake.sessions.keys()])
        assert.ok(!m.includes(v), `${m} leaks`);
    }
  });

  test("tenancy: credentials only from the store's namespace; a ClusterSecretStore must name one", async () => {
    kube.setSecret("other", "pd", { username: "eso", password: PASSWORD });
    await assert.rejects(
      client({ auth: { secretRef: { credentials: { name: "pd", namespace: "other" } } } }),
      StoreConfigError,
    );
    kube.setSecret("ns", "half", { username: "eso" });
    await assert.rejects(client({ auth: { secretRef: { credentials: { name: "half" } } } }), /missing credentials/);
    const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const };
    await assert.rejects(
      passwordDepotProvider.newClient(spec(), cluster),
      /invalid clusterStore missing SAK namespace/,
    );
    const ok = await passwordDepotProvider.newClient(
      spec({ auth: { secretRef: { credentials: { name: "pd", namespace: "ns" } } } }),
      {
        ...cluster,
        namespace: "elsewhere",
      },
    );
    assert.deepEqual(await ok.validate(), { ready: true });
  });
});
