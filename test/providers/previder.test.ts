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
import { previderProvider } from "../../src/providers/previder/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type PreviderFake, startPreviderFake } from "../fakes/previder-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const TOKEN = "previder-access-token-value";
const VALUE = "s3cr3t-previder-value";

describe("previder provider", () => {
  let fake: PreviderFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startPreviderFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.tokens.clear();
    fake.tokens.set(TOKEN, "ReadOnly");
    fake.secrets.clear();
    fake.secrets.set("6f1d6a2e", { name: "db-password", value: VALUE });
    fake.secrets.set("7a2b", { name: "json", value: '{"user":"app"}' });
    kube = new MemoryKubeAccess().setSecret("ns", "previder", { token: TOKEN });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "pv", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({ baseUri: fake.url, auth: { secretRef: { accessToken: { name: "previder", key: "token" } } }, ...extra }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    previderProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field; the provider is read-only", () => {
    assert.deepEqual(previderProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.deepEqual(previderProvider.validate({ auth: {} } as any, "SecretStore").errors, [
      "spec.provider.previder.auth.secretRef: missing Previder Auth SecretRef",
    ]);
    const bad = previderProvider.validate(
      { baseUri: "::not a url", auth: { secretRef: { accessToken: { name: "" } } } } as any,
      "SecretStore",
    );
    assert.deepEqual(bad.errors, [
      "spec.provider.previder.auth.secretRef.accessToken.name: missing Previder accessToken name",
      "spec.provider.previder.auth.secretRef.accessToken.key: missing Previder accessToken key",
      "spec.provider.previder.baseUri: is not a valid URL",
    ]);
    assert.equal(previderProvider.validate(spec(), "ClusterSecretStore").warnings.length, 1);
    assert.equal(previderProvider.capabilities(spec()), "ReadOnly");
  });

  test("store readiness: ready with a good token, not ready naming the cause with a bad one", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    assert.ok(fake.requests.includes("GET /token/info"));
    kube.setSecret("ns", "previder", { token: "revoked-token" });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /previder: token info: authentication failed \(HTTP 401\)/);
  });

  test("reads the decrypted secret by id or name; a map read keys it by the remote key", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "6f1d6a2e" })).toString(), VALUE);
    assert.equal((await c.getSecret({ key: "db-password" })).toString(), VALUE);
    // As upstream, property and version are not applied: the whole decrypted value comes back.
    assert.equal((await c.getSecret({ key: "json", property: "user", version: "3" })).toString(), '{"user":"app"}');
    const m = await c.getSecretMap({ key: "db-password" });
    assert.deepEqual(Object.keys(m), ["db-password"]);
    assert.equal(m["db-password"]!.toString(), VALUE);
    assert.equal(fake.requests.at(-1), "GET /secret/db-password/decrypt");
  });

  test("find, push, delete and exists are refused as upstream refuses them", async () => {
    const c = await client();
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      /not implemented/,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "k" }), NotSupportedError);
  });

  test("failures map to provider errors naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "absent" }),
      (e) => e instanceof NoSecretError && /"absent"/.test(e.message),
    );
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db-password" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "db-password" }), /HTTP 503/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "db-password" }), ProviderAuthError);
    fake.faults.push({ hang: true });
    const hung = await previderProvider.newClient(spec(), { ...ctx, deadline: Date.now() + 200 });
    await assert.rejects(hung.getSecret({ key: "db-password" }), /timed out/);
  });

  test("no secret value or token in any error", async () => {
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    const c = await client();
    fake.faults.push({ status: 500, body: { message: VALUE } });
    await collect(c.getSecret({ key: "db-password" }));
    kube.setSecret("ns", "previder", { token: "wrong-token-value" });
    await collect((await client()).getSecret({ key: "db-password" }));
    messages.push((await (await client()).validate()).message ?? "");
    for (const m of messages)
      for (const v of [VALUE, TOKEN, "wrong-token-value"]) assert.ok(!m.includes(v), `${m} leaks`);
  });

  test("tenancy: a SecretStore reads the token only from its own namespace", async () => {
    kube.setSecret("other", "previder", { token: TOKEN });
    await assert.rejects(
      client({ auth: { secretRef: { accessToken: { name: "previder", key: "token", namespace: "other" } } } }),
      StoreConfigError,
    );
    const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const, namespace: "elsewhere" };
    const ok = await previderProvider.newClient(
      spec({ auth: { secretRef: { accessToken: { name: "previder", key: "token", namespace: "ns" } } } }),
      cluster,
    );
    assert.deepEqual(await ok.validate(), { ready: true });
  });
});
