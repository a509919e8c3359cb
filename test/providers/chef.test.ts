import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { chefProvider } from "../../src/providers/chef/index.js";
import { canonicalPath, canonicalRequest, chefTimestamp } from "../../src/providers/chef/signing.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type ChefFake, startChefFake } from "../fakes/chef-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const VALUES = ["chef-db-password", "chef-api-token"];
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("chef provider", () => {
  let fake: ChefFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let pem = "";

  before(async () => {
    fake = await startChefFake();
    pem = fake.addUser("eso");
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.signVersions.length = 0;
    fake.bags.clear();
    fake.bags.set(
      "app",
      new Map([
        ["db", { id: "db", password: VALUES[0], port: 5432, nested: { user: "admin" } }],
        ["api", { id: "api", token: VALUES[1] }],
      ]),
    );
    kube = new MemoryKubeAccess().setSecret("team", "chef", { key: pem });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "chef", namespace: "team" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      serverUrl: fake.url,
      username: "eso",
      auth: { secretRef: { privateKeySecretRef: { name: "chef", key: "key" } } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    chefProvider.newClient(spec(extra), ctx);

  test("signing: the version 1.3 canonical request", () => {
    assert.equal(canonicalPath("/organizations//acme/data/app/"), "/organizations/acme/data/app");
    assert.equal(chefTimestamp(new Date("2024-05-06T07:08:09.123Z")), "2024-05-06T07:08:09Z");
    assert.equal(
      canonicalRequest({
        method: "get",
        path: "/organizations/acme/data/app",
        body: "",
        userId: "eso",
        timestamp: "T",
      }),
      [
        "Method:GET",
        "Path:/organizations/acme/data/app",
        "X-Ops-Content-Hash:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "X-Ops-Sign:version=1.3",
        "X-Ops-Timestamp:T",
        "X-Ops-UserId:eso",
        "X-Ops-Server-API-Version:1",
      ].join("\n"),
    );
  });

  test("store readiness: ready with the user's key, not ready naming the cause with another key or user", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    assert.deepEqual(fake.signVersions, ["algorithm=sha256;version=1.3"]);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    });
    kube.setSecret("team", "chef", { key: other.toString() });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(
      r.message ?? "",
      /Check if username, serverUrl and privateKey are correct: chef: user eso: authentication failed \(HTTP 401\)/,
    );
    kube.setSecret("team", "chef", { key: pem });
    assert.equal((await (await client({ username: "nobody" })).validate()).ready, false);
  });

  test("validate(spec) names each bad field", () => {
    assert.deepEqual(
      chefProvider.validate(
        {
          serverUrl: "https://chef.example/organizations/acme",
          auth: { secretRef: { privateKeySecretRef: { name: "k" } } },
        } as any,
        "ClusterSecretStore",
      ).errors,
      [
        "spec.provider.chef.username: missing username",
        "spec.provider.chef.serverUrl: serverurl does not end with slash(/)",
        "spec.provider.chef.auth.secretRef.privateKeySecretRef.key: is required",
        "spec.provider.chef.auth.secretRef.privateKeySecretRef.namespace: is required for a ClusterSecretStore",
      ],
    );
    assert.deepEqual(chefProvider.validate({ username: "u", serverUrl: "x/" } as any, "SecretStore").errors, [
      "spec.provider.chef.serverUrl: invalid serverurl",
      "spec.provider.chef.auth: cannot initialize Chef Client: no valid authType was specified",
    ]);
    assert.deepEqual(chefProvider.validate(spec(), "SecretStore").errors, []);
  });

  test("reads an item as JSON (keys sorted), a string property, and a bag as a map of items", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: "app/db" })).toString(),
      `{"id":"db","nested":{"user":"admin"},"password":"${VALUES[0]}","port":5432}`,
    );
    assert.equal((await c.getSecret({ key: "app/db", property: "password" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "app/db", property: "nested.user" })).toString(), "admin");
    // As upstream (gjson Result.Str): a non-string property reads as empty.
    assert.equal((await c.getSecret({ key: "app/db", property: "port" })).toString(), "");
    assert.deepEqual(str(await c.getSecretMap({ key: "app" })), {
      db: `{"id":"db","nested":{"user":"admin"},"password":"${VALUES[0]}","port":5432}`,
      api: `{"id":"api","token":"${VALUES[1]}"}`,
    });
    assert.ok(fake.requests.includes("GET /organizations/acme/data/app/db"));
  });

  test("key formats: an item needs bag/item, extract takes only a bag", async () => {
    const c = await client();
    await assert.rejects(c.getSecret({ key: "app" }), /Expected value 'databagName\/databagItemName'/);
    await assert.rejects(c.getSecretMap({ key: "app/db" }), /Expected only 'databagName'/);
    fake.requests.length = 0;
    await assert.rejects(c.getSecret({ key: "../users" }), /invalid name/);
    await assert.rejects(c.getSecretMap({ key: ".." }), /invalid name/);
    assert.equal(fake.requests.length, 0, "a dot segment never reaches the server");
  });

  test("find, push, exists and delete are refused", async () => {
    const c = await client();
    assert.equal(chefProvider.capabilities(spec()), "ReadOnly");
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), /dataFrom.find not suppported/);
    await assert.rejects(c.pushSecret({} as any, { remoteRef: { remoteKey: "x" } }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
  });

  test("failures: missing item, bag and property name the key; 401, 429 and 5xx", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "app/absent" }),
      (e: Error) => e instanceof NoSecretError && /absent/.test(e.message),
    );
    await assert.rejects(
      c.getSecretMap({ key: "nobag" }),
      (e: Error) => e instanceof NoSecretError && /nobag/.test(e.message),
    );
    await assert.rejects(
      c.getSecret({ key: "app/db", property: "nope" }),
      (e: Error) => e instanceof NoSecretError && /nope/.test(e.message),
    );
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "app/db" }), /HTTP 500/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderAuthError);
  });

  test("a Secret that holds no RSA private key is a store configuration error naming the field, not the key", async () => {
    kube.setSecret("team", "chef", { key: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n" });
    await assert.rejects(client(), (e: Error) => {
      assert.ok(e instanceof StoreConfigError);
      assert.match(e.message, /privateKeySecretRef: is not a PEM private key/);
      assert.ok(!e.message.includes("not-a-key"));
      return true;
    });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
    kube.setSecret("team", "chef", { key: ec.toString() });
    await assert.rejects(client(), /is not an RSA private key/);
  });

  test("no value or key material appears in any error", async () => {
    const c = await client();
    const errors: string[] = [];
    for (const f of [401, 429, 500]) {
      fake.faults.push(f);
      await c.getSecret({ key: "app/db" }).catch((e: Error) => errors.push(e.message));
    }
    await c.getSecret({ key: "app/db", property: "zzz" }).catch((e: Error) => errors.push(e.message));
    await c.getSecretMap({ key: "app/db" }).catch((e: Error) => errors.push(e.message));
    assert.equal(errors.length, 5);
    const keyBody = pem.split("\n")[1]!;
    for (const m of errors) for (const s of [...VALUES, keyBody]) assert.ok(!m.includes(s), m);
  });

  test("tenancy: a SecretStore may not read the signing key from another namespace", async () => {
    kube.setSecret("other", "chef", { key: pem });
    await assert.rejects(
      client({ auth: { secretRef: { privateKeySecretRef: { name: "chef", namespace: "other", key: "key" } } } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
    assert.equal(fake.requests.length, 0);
  });
});
