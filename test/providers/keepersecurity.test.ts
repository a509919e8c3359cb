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
import { keeperSecurityProvider } from "../../src/providers/keepersecurity/index.js";
import { KEEPER_API_URL_ENV } from "../../src/providers/keepersecurity/transport.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type KeeperFake, startKeeperFake } from "../fakes/keepersecurity-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const FOLDER = "folder-shared-1";

describe("keepersecurity provider", () => {
  let fake: KeeperFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let dbUid: string;
  const spec = { authRef: { name: "ksm", key: "config" }, folderID: FOLDER } as any;
  const client = (): Promise<SecretsClient> => keeperSecurityProvider.newClient(spec, ctx);
  const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
  const push = (c: SecretsClient, remoteKey: string, value: string) =>
    c.pushSecret(
      { name: "src", namespace: "team", data: { v: Buffer.from(value) } },
      { secretKey: "v", remoteRef: { remoteKey } },
    );

  before(async () => {
    fake = await startKeeperFake();
    process.env[KEEPER_API_URL_ENV] = fake.url;
  });
  after(async () => {
    delete process.env[KEEPER_API_URL_ENV];
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.records.clear();
    fake.folders.clear();
    fake.addFolder(FOLDER);
    dbUid = fake.addRecord(
      {
        title: "db-creds",
        type: "login",
        fields: [
          { type: "login", value: ["admin"] },
          { type: "password", value: ["s3cret"] },
          { type: "url", label: "endpoint", value: ["https://db", "https://db2"] },
          { type: "oneTimeCode", value: [] },
        ],
        custom: [{ type: "text", label: "port", value: [5432] }],
      },
      { folderUid: FOLDER, files: [{ title: "ca.pem", content: "-----BEGIN CERTIFICATE-----" }] },
    );
    fake.addRecord({
      title: "shared-direct",
      type: "login",
      fields: [{ type: "password", value: ["direct-pw"] }],
      custom: [],
    });
    kube = new MemoryKubeAccess().setSecret("team", "ksm", { config: Buffer.from(fake.config()).toString("base64") });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ksm", namespace: "team" };
  });

  test("reads a record by UID: a field, a labelled field, a custom field, a file, and the whole record", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: dbUid, property: "password" })).toString(), "s3cret");
    assert.equal((await c.getSecret({ key: dbUid, property: "endpoint" })).toString(), '["https://db","https://db2"]');
    assert.equal((await c.getSecret({ key: dbUid, property: "port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: dbUid, property: "ca.pem" })).toString(), "-----BEGIN CERTIFICATE-----");
    const whole = JSON.parse((await c.getSecret({ key: dbUid })).toString());
    assert.equal(whole.title, "db-creds");
    assert.deepEqual(whole.fields[2], { type: "url", label: "endpoint", value: ["https://db", "https://db2"] });
    assert.deepEqual(whole.files, [{ type: "ca.pem", content: "-----BEGIN CERTIFICATE-----" }]);
    assert.deepEqual(fake.requests.at(-1), { call: "get_secret", requestedRecords: [dbUid] });
  });

  test("extract maps every field, custom field and file; a record shared directly reads too", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: dbUid })), {
      login: "admin",
      password: "s3cret",
      endpoint: '["https://db","https://db2"]',
      port: "5432",
      "ca.pem": "-----BEGIN CERTIFICATE-----",
    });
    assert.deepEqual(str(await c.getSecretMap({ key: dbUid, property: "login" })), { login: "admin" });
    const direct = [...fake.records.values()].find((r) => r.data.title === "shared-direct")!;
    assert.equal((await c.getSecret({ key: direct.uid, property: "password" })).toString(), "direct-pw");
  });

  test("find by title regexp; tags and path are refused with upstream's words", async () => {
    const c = await client();
    const all = await c.getAllSecrets({ name: { regexp: "^db-" } });
    assert.deepEqual(Object.keys(all), ["db-creds"]);
    assert.equal(JSON.parse(all["db-creds"]!.toString()).type, "login");
    assert.equal(Object.keys(await c.getAllSecrets({ name: { regexp: "." } })).length, 2);
    await assert.rejects(c.getAllSecrets({ tags: { a: "b" } }), /'find.tags' is not implemented/);
    await assert.rejects(c.getAllSecrets({ path: "x" }), NotSupportedError);
  });

  test("push creates an externalSecrets record in the folder, then updates it; delete removes only ours", async () => {
    const c = await client();
    await push(c, "app-creds/password", "pw-1");
    const created = [...fake.records.values()].find((r) => r.data.title === "app-creds")!;
    assert.equal(created.folderUid, FOLDER);
    assert.deepEqual(created.data, {
      type: "externalSecrets",
      title: "app-creds",
      fields: [{ type: "password", value: ["pw-1"] }],
      custom: [],
    });
    await push(c, "app-creds/password", "pw-2");
    assert.deepEqual((created.data.fields as any[])[0].value, ["pw-2"]);
    assert.equal(created.revision, 2);
    assert.equal((await c.getSecret({ key: created.uid, property: "password" })).toString(), "pw-2");

    await push(c, "tokens/API_KEY", "k-1");
    const tokens = [...fake.records.values()].find((r) => r.data.title === "tokens")!;
    assert.deepEqual(tokens.data.custom, [{ type: "secret", label: "API_KEY", value: ["k-1"] }]);
    await push(c, "tokens/API_KEY", "k-2");
    assert.deepEqual((tokens.data.custom as any[])[0].value, ["k-2"]);
    await assert.rejects(push(c, "tokens/OTHER", "x"), /does not contain any custom field with label OTHER/);

    // A record of another type with the same title is never touched: a new one of ours is created beside it.
    await push(c, "db-creds/password", "mine");
    assert.deepEqual((fake.records.get(dbUid)!.data.fields as any[])[1].value, ["s3cret"]);
    await c.deleteSecret({ remoteKey: "db-creds/password" });
    assert.ok(fake.records.has(dbUid), "the login record is not ours to delete");
    assert.ok(
      ![...fake.records.values()].some((r) => r.data.title === "db-creds" && r.data.type === "externalSecrets"),
    );
    await c.deleteSecret({ remoteKey: "app-creds/password" });
    assert.ok(!fake.records.has(created.uid));
    await c.deleteSecret({ remoteKey: "app-creds/password" });
    await assert.rejects(push(c, "no-slash", "x"), /Format should match secretName\/key/);
    await assert.rejects(c.secretExists({ remoteKey: "tokens/API_KEY" }), NotSupportedError);
  });

  test("push refuses a folder not shared with the application", async () => {
    const c = await keeperSecurityProvider.newClient({ ...spec, folderID: "not-shared" }, ctx);
    await assert.rejects(
      push(c, "x/password", "v"),
      (e: Error) => e instanceof StoreConfigError && /not-shared/.test(e.message),
    );
  });

  test("store readiness: ready with the bound configuration, not ready with an unknown client", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("team", "ksm", { config: fake.unknownClientConfig() });
    const v = await (await client()).validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /authentication failed \(HTTP 403\): access_denied/);
  });

  test("failures: not found names the key; throttled, auth and server errors; no values or keys in messages", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "absent-uid" }),
      (e: Error) => e instanceof NoSecretError && /absent-uid/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: dbUid, property: "nope" }), NoSecretError);
    fake.faults.push({
      status: 403,
      body: { error: "throttled", message: "Due to repeated attempts, your request has been throttled." },
    });
    await assert.rejects(c.getSecret({ key: dbUid }), ProviderThrottledError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: dbUid }), ProviderThrottledError);
    fake.faults.push({ status: 401, body: { error: "invalid_signature", message: "Signature is invalid" } });
    await assert.rejects(c.getSecret({ key: dbUid }), ProviderAuthError);
    fake.faults.push(503);
    const config = JSON.parse(fake.config());
    await assert.rejects(c.getSecret({ key: dbUid, property: "password" }), (e: Error) => {
      assert.match(e.message, /HTTP 503/);
      for (const secret of ["s3cret", config.privateKey, config.appKey, config.clientId]) {
        assert.ok(!e.message.includes(secret));
      }
      return true;
    });
  });

  test("a hanging API call ends at the reconcile deadline", async () => {
    const c = await keeperSecurityProvider.newClient(spec, { ...ctx, deadline: Date.now() + 300 });
    fake.faults.push({ hang: true });
    const started = Date.now();
    await assert.rejects(c.getSecret({ key: dbUid }), /timed out/);
    assert.ok(Date.now() - started < 5_000);
  });

  test("a record with duplicate keys is refused, as upstream", async () => {
    const uid = fake.addRecord({
      title: "dup",
      type: "login",
      fields: [
        { type: "url", value: ["a"] },
        { type: "url", value: ["b"] },
      ],
    });
    const c = await client();
    await assert.rejects(c.getSecret({ key: uid }), /Following keys are duplicated url/);
  });

  test("configuration errors and tenancy: unbound or foreign configurations, other namespaces", async () => {
    kube.setSecret("team", "ksm", {
      config: JSON.stringify({ hostname: "h", clientId: "c", privateKey: "x", clientKey: "ott" }),
    });
    await assert.rejects(
      client(),
      (e: Error) => e instanceof StoreConfigError && /no appKey/.test(e.message) && !e.message.includes("ott"),
    );
    kube.setSecret("team", "ksm", { config: "not a config" });
    await assert.rejects(client(), StoreConfigError);
    kube.setSecret("other", "ksm", { config: fake.config() });
    const cross = { ...spec, authRef: { name: "ksm", key: "config", namespace: "other" } };
    await assert.rejects(keeperSecurityProvider.newClient(cross, ctx), StoreConfigError);
  });

  test("validate names each bad field", () => {
    const errs = (s: unknown, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      keeperSecurityProvider.validate(s as any, kind).errors.join("\n");
    assert.match(errs({ authRef: { name: "a" } }), /authRef.key: is required[\s\S]*folderID: is required/);
    assert.match(
      errs({ authRef: { name: "a", key: "k" }, folderID: "f" }, "ClusterSecretStore"),
      /authRef.namespace: is required/,
    );
    assert.equal(errs({ authRef: { name: "a", key: "k" }, folderID: "f" }), "");
    assert.equal(keeperSecurityProvider.capabilities(spec), "ReadWrite");
  });
});
