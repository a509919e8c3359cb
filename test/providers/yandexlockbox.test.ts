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
import type { ProviderContext } from "../../src/providers/provider.js";
import { yandexLockboxProvider } from "../../src/providers/yandexlockbox/index.js";
import { METADATA_URL_ENV } from "../../src/providers/yandexlockbox/kit/iam-token.js";
import { startYandexFake, type YandexFake, type YandexFakeKey } from "../fakes/yandex-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const VALUES = ["db-pass-old-1", "db-pass-new-2", "api-token-3"];
const BIN = Buffer.from([0, 1, 2, 250]);

describe("yandexlockbox provider", () => {
  let fake: YandexFake;
  let key: YandexFakeKey;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let dbId: string;

  before(async () => {
    fake = await startYandexFake();
    key = fake.newKey();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.secrets.length = 0;
    fake.requests.length = 0;
    fake.readers.add(key.serviceAccountId);
    dbId = fake.addSecret({
      folderId: "b1gfolder",
      name: "db",
      versions: [
        { id: "v1", entries: [{ key: "password", text: VALUES[0] }] },
        {
          id: "v2",
          entries: [
            { key: "password", text: VALUES[1] },
            { key: "user", text: "app" },
            { key: "blob", binary: BIN },
          ],
        },
      ],
    }).id;
    fake.addSecret({
      folderId: "b1gfolder",
      name: "api",
      versions: [{ id: "a1", entries: [{ key: "token", text: VALUES[2] }] }],
    });
    kube = new MemoryKubeAccess()
      .setSecret("ns", "yc-key", { "key.json": key.json })
      .setSecret("ns", "yc-ca", { "ca.pem": fake.caPem })
      .setSecret("other", "yc-key", { "key.json": key.json });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "lockbox", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      apiEndpoint: fake.apiEndpoint,
      auth: { authorizedKeySecretRef: { name: "yc-key", key: "key.json" } },
      caProvider: { certSecretRef: { name: "yc-ca", key: "ca.pem" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}, c: ProviderContext = ctx) =>
    yandexLockboxProvider.newClient(spec(extra), c);

  test("validate(spec) accepts upstream's shapes and names each bad field", () => {
    assert.deepEqual(yandexLockboxProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.equal(yandexLockboxProvider.capabilities(spec()), "ReadOnly");
    const bad = yandexLockboxProvider.validate(
      spec({
        fetching: { byName: { folderID: "" } },
        auth: { authorizedKeySecretRef: { name: "yc-key", namespace: "other", key: "key.json" } },
      }),
      "SecretStore",
    );
    assert.deepEqual(bad.errors, [
      "spec.provider.yandexlockbox.fetching.byName.folderID: folderID is required when fetching policy is 'byName'",
      "spec.provider.yandexlockbox.auth.authorizedKeySecretRef.namespace: a SecretStore may not reference another namespace",
    ]);
    const empty = yandexLockboxProvider.validate(spec({ fetching: {} }), "SecretStore");
    assert.match(empty.errors[0]!, /^spec\.provider\.yandexlockbox\.fetching: requires either 'byName' or 'byID'/);
    const noKey = yandexLockboxProvider.validate(spec({ auth: {} }), "ClusterSecretStore");
    assert.match(noKey.warnings.join("\n"), /instance service account/);
  });

  test("ready with a good authorized key; one IAM exchange serves several clients", async () => {
    const c = await client();
    assert.deepEqual(await c.validate(), { ready: true });
    await client();
    assert.equal(fake.requests.filter((r) => r.startsWith("POST /iam/v1/tokens")).length, 1);
    // A token the service no longer accepts is forgotten: the next client exchanges a new one.
    fake.tokens.clear();
    await assert.rejects(
      c.getSecret({ key: dbId }),
      (e: Error) => e instanceof ProviderAuthError && /HTTP 401/.test(e.message),
    );
    assert.equal((await (await client()).getSecret({ key: dbId, property: "user" })).toString(), "app");
    assert.equal(fake.requests.filter((r) => r.startsWith("POST /iam/v1/tokens")).length, 2);
  });

  test("an unknown or malformed key fails the client with the cause named", async () => {
    const stranger = fake.newKey();
    // A key the IAM service does not know: its signature cannot be verified.
    const forged = JSON.parse(stranger.json);
    forged.id = "ajkunknown";
    kube.setSecret("ns", "yc-key", { "key.json": JSON.stringify(forged) });
    await assert.rejects(client(), (e: Error) => e instanceof ProviderAuthError && /create IAM token/.test(e.message));
    kube.setSecret("ns", "yc-key", { "key.json": "{not json" });
    await assert.rejects(
      client(),
      (e: Error) => e instanceof StoreConfigError && /authorizedKeySecretRef/.test(e.message),
    );
  });

  test("without the store's CA the endpoint's certificate is refused", async () => {
    await assert.rejects(client({ caProvider: undefined }), /list API endpoints: request failed/);
  });

  test("getSecret: all entries as JSON, one entry by property, a version by id", async () => {
    const c = await client();
    const all = JSON.parse((await c.getSecret({ key: dbId })).toString());
    assert.deepEqual(all, { blob: BIN.toString("base64"), password: VALUES[1], user: "app" });
    assert.equal((await c.getSecret({ key: dbId, property: "password" })).toString(), VALUES[1]);
    assert.deepEqual(await c.getSecret({ key: dbId, property: "blob" }), BIN);
    assert.equal((await c.getSecret({ key: dbId, property: "password", version: "v1" })).toString(), VALUES[0]);
    assert.ok(fake.requests.some((r) => r.includes(`/secrets/${dbId}/payload?versionId=v1`)));
  });

  test("getSecretMap: every entry as a key", async () => {
    const m = await (await client()).getSecretMap({ key: dbId });
    assert.deepEqual(Object.keys(m).sort(), ["blob", "password", "user"]);
    assert.deepEqual(m.blob, BIN);
    assert.equal(m.password!.toString(), VALUES[1]);
  });

  test("fetching.byName reads by folder and secret name (GetEx)", async () => {
    const c = await client({ fetching: { byName: { folderID: "b1gfolder" } } });
    assert.equal((await c.getSecret({ key: "api", property: "token" })).toString(), VALUES[2]);
    assert.deepEqual(str(await c.getSecretMap({ key: "db", version: "v1" })), { password: VALUES[0] });
    assert.ok(
      fake.requests.some((r) =>
        r.includes("secrets:getEx?folderAndName.folderId=b1gfolder&folderAndName.secretName=api"),
      ),
    );
    await assert.rejects(c.getSecret({ key: "nope" }), NoSecretError);
  });

  test("find, push, exists and delete are not supported", async () => {
    const c = await client();
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      NotSupportedError,
    );
    await assert.rejects(c.secretExists({ remoteKey: "k" }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), NotSupportedError);
  });

  test("failures map to their errors and name the key, never a value or token", async () => {
    const c = await client();
    const errors: Error[] = [];
    const expectErr = async (p: Promise<unknown>, cls: new (...a: any[]) => Error, re: RegExp) => {
      const err = await p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => e,
      );
      assert.ok(err instanceof cls, `${err.name}: ${err.message}`);
      assert.match(err.message, re);
      errors.push(err);
    };
    await expectErr(c.getSecret({ key: "e6qmissing" }), NoSecretError, /secret "e6qmissing".*not found/);
    await expectErr(
      c.getSecret({ key: dbId, property: "nope" }),
      NoSecretError,
      /payload entry with key "nope" not found/,
    );
    fake.readers.delete(key.serviceAccountId);
    await expectErr(c.getSecret({ key: dbId }), ProviderAuthError, /HTTP 403.*PERMISSION_DENIED/);
    fake.readers.add(key.serviceAccountId);
    fake.faults.push(429);
    await expectErr(c.getSecret({ key: dbId }), ProviderThrottledError, /rate limited/);
    fake.faults.push(500);
    await expectErr(c.getSecret({ key: dbId }), Error, /HTTP 500/);
    const tokens = [...fake.tokens.keys()];
    for (const e of errors) {
      for (const secret of [...VALUES, ...tokens, key.privateKeyPem.slice(40, 80)]) {
        assert.ok(!e.message.includes(secret), `error leaks a value: ${e.message}`);
      }
    }
  });

  test("tenancy: another namespace's key is refused; the instance identity only for allowed stores", async () => {
    await assert.rejects(
      client({ auth: { authorizedKeySecretRef: { name: "yc-key", namespace: "other", key: "key.json" } } }),
      (e: Error) => e instanceof StoreConfigError && /may not reference another namespace/.test(e.message),
    );
    // A SecretStore naming its own endpoint never gets the operator's instance token.
    await assert.rejects(
      client({ auth: {} }),
      (e: Error) => e instanceof StoreConfigError && /must set an authorized key/.test(e.message),
    );
    assert.equal(fake.requests.filter((r) => r.startsWith("GET /endpoints")).length, 0);

    // A ClusterSecretStore without a key uses the instance service account from the metadata service.
    process.env[METADATA_URL_ENV] = fake.metadataUrl;
    try {
      fake.tokens.set(fake.instanceToken, "instance-sa");
      fake.readers.add("instance-sa");
      const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const };
      kube.setSecret("ns", "yc-ca", { "ca.pem": fake.caPem });
      const c = await client(
        { auth: {}, caProvider: { certSecretRef: { name: "yc-ca", namespace: "ns", key: "ca.pem" } } },
        cluster,
      );
      assert.equal((await c.getSecret({ key: dbId, property: "user" })).toString(), "app");
    } finally {
      delete process.env[METADATA_URL_ENV];
    }
  });
});
