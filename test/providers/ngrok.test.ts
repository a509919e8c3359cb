import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { ngrokProvider } from "../../src/providers/ngrok/index.js";
import type { ProviderContext, PushSource, SecretsClient } from "../../src/providers/provider.js";
import { type NgrokFake, startNgrokFake } from "../fakes/ngrok-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const API_KEY = "ngrok-api-key-value";
const VALUE = "pushed-ngrok-secret-value";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("ngrok provider (PushSecret target)", () => {
  let fake: NgrokFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let vaultID: string;

  before(async () => {
    fake = await startNgrokFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.apiKeys.clear();
    fake.apiKeys.add(API_KEY);
    fake.vaults.length = 0;
    fake.secrets.length = 0;
    fake.pageSize = 2;
    fake.addVault("first");
    fake.addVault("second");
    vaultID = fake.addVault("eso");
    kube = new MemoryKubeAccess().setSecret("ns", "ngrok", { key: API_KEY });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ng", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      apiUrl: fake.url,
      auth: { apiKey: { secretRef: { name: "ngrok", key: "key" } } },
      vault: { name: "eso" },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    ngrokProvider.newClient(spec(extra), ctx);
  const source = (data: Record<string, string>): PushSource => ({
    name: "src",
    namespace: "ns",
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)])),
  });
  const remote = (name: string) => fake.secrets.find((s) => s.name === name && s.vaultId === vaultID);

  test("validate(spec) names each bad field; the provider is write-only", () => {
    assert.deepEqual(ngrokProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    const bad = ngrokProvider.validate({ apiUrl: "::bad", auth: {}, vault: {} } as any, "SecretStore");
    assert.deepEqual(bad.errors, [
      "spec.provider.ngrok.apiUrl: invalid API URL",
      "spec.provider.ngrok.auth.apiKey: ngrok provider auth APIKey is required",
      "spec.provider.ngrok.vault.name: ngrok provider vault name is required",
    ]);
    assert.deepEqual(ngrokProvider.validate(spec({ auth: { apiKey: {} } }), "SecretStore").errors, [
      "spec.provider.ngrok.auth.apiKey.secretRef.name: is required",
    ]);
    assert.equal(ngrokProvider.validate(spec(), "ClusterSecretStore").warnings.length, 1);
    assert.equal(ngrokProvider.capabilities(spec()), "WriteOnly");
  });

  test("store readiness: the vault is found across pages; bad key or missing vault name the cause", async () => {
    const c = await client();
    assert.deepEqual(await c.validate(), { ready: true });
    assert.equal(fake.requests.filter((r) => r === "GET /vaults").length, 2, "followed next_page_uri");
    await assert.rejects(client({ vault: { name: "absent" } }), /vault "absent" not found/);
    kube.setSecret("ns", "ngrok", { key: "wrong" });
    await assert.rejects(client(), (e) => e instanceof ProviderAuthError && /ERR_NGROK_200/.test(e.message));
    fake.apiKeys.clear();
    const r = await c.validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /store is not allowed to list secrets: .*authentication failed \(HTTP 401\)/);
  });

  test("reads are refused as upstream refuses them", async () => {
    const c = await client();
    for (const p of [c.getSecret({ key: "k" }), c.getSecretMap({ key: "k" }), c.getAllSecrets({ path: "x" })]) {
      await assert.rejects(
        p,
        (e) => e instanceof NotSupportedError && /only supports write operations/.test(e.message),
      );
    }
  });

  test("push creates, then updates, with the value's checksum and the metadata's description", async () => {
    const c = await client();
    await c.pushSecret(source({ token: VALUE }), { secretKey: "token", remoteRef: { remoteKey: "api-token" } });
    let s = remote("api-token")!;
    assert.equal(s.value, VALUE);
    assert.equal(s.description, "Managed by External Secrets Operator");
    assert.deepEqual(JSON.parse(s.metadata), { _sha256: sha(VALUE) });
    assert.equal(await c.secretExists({ remoteKey: "api-token" }), true);

    await c.pushSecret(source({ token: "v2" }), {
      secretKey: "token",
      remoteRef: { remoteKey: "api-token" },
      metadata: {
        apiVersion: "kubernetes.external-secrets.io/v1alpha1",
        kind: "PushSecretMetadata",
        spec: { description: "rotated", metadata: { team: "edge" } },
      },
    });
    s = remote("api-token")!;
    assert.equal(fake.secrets.length, 1, "updated in place");
    assert.equal(s.value, "v2");
    assert.equal(s.description, "rotated");
    assert.equal(s.metadata, `{"_sha256":"${sha("v2")}","team":"edge"}`);
    assert.ok(fake.requests.some((r) => r.startsWith("PATCH /vault_secrets/")));
  });

  test("a push without secretKey writes the whole Secret as Go marshals map[string][]byte", async () => {
    const c = await client();
    await c.pushSecret(source({ b: "2", a: "1" }), { remoteRef: { remoteKey: "all" } });
    assert.equal(remote("all")!.value, '{"a":"MQ==","b":"Mg=="}');
    await assert.rejects(
      c.pushSecret(source({ a: "1" }), { secretKey: "absent", remoteRef: { remoteKey: "x" } }),
      /key absent not found in secret/,
    );
    await assert.rejects(
      c.pushSecret(source({ a: "1" }), { secretKey: "a", remoteRef: { remoteKey: "x" }, metadata: { kind: "Other" } }),
      StoreConfigError,
    );
  });

  test("delete removes only the named secret; exists and delete tolerate absence; a recreated vault is re-found", async () => {
    const c = await client();
    await c.pushSecret(source({ t: "1" }), { secretKey: "t", remoteRef: { remoteKey: "one" } });
    await c.pushSecret(source({ t: "2" }), { secretKey: "t", remoteRef: { remoteKey: "two" } });
    await c.deleteSecret({ remoteKey: "one" });
    assert.deepEqual(
      fake.secrets.map((s) => s.name),
      ["two"],
    );
    await c.deleteSecret({ remoteKey: "one" });
    assert.equal(await c.secretExists({ remoteKey: "one" }), false);
    // The vault is deleted and recreated under the same name: the client looks it up again.
    fake.vaults.splice(
      fake.vaults.findIndex((v) => v.id === vaultID),
      1,
    );
    assert.equal(await c.secretExists({ remoteKey: "two" }), false);
    await c.deleteSecret({ remoteKey: "two" });
    await assert.rejects(
      c.pushSecret(source({ t: "3" }), { secretKey: "t", remoteRef: { remoteKey: "three" } }),
      (e) => e instanceof NoSecretError && /vault "eso" does not exist/.test(e.message),
    );
    vaultID = fake.addVault("eso");
    await c.pushSecret(source({ t: "3" }), { secretKey: "t", remoteRef: { remoteKey: "three" } });
    assert.equal(remote("three")!.value, "3");
  });

  test("failures map to provider errors", async () => {
    const c = await client();
    const push = () => c.pushSecret(source({ t: "1" }), { secretKey: "t", remoteRef: { remoteKey: "k" } });
    fake.faults.push(200, 429);
    await assert.rejects(push(), ProviderThrottledError);
    fake.faults.length = 0;
    fake.faults.push(200, 502);
    await assert.rejects(push(), /HTTP 502/);
    fake.faults.length = 0;
    fake.faults.push(200, 403);
    await assert.rejects(push(), ProviderAuthError);
  });

  test("no secret value or API key in any error", async () => {
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    const c = await client();
    fake.faults.push(200, { status: 500, body: { error_code: "ERR_NGROK_500", msg: VALUE } });
    await collect(c.pushSecret(source({ t: VALUE }), { secretKey: "t", remoteRef: { remoteKey: "k" } }));
    kube.setSecret("ns", "ngrok", { key: "wrong-api-key" });
    await collect(client());
    for (const m of messages)
      for (const v of [VALUE, API_KEY, "wrong-api-key"]) assert.ok(!m.includes(v), `${m} leaks`);
  });

  test("tenancy: a SecretStore reads its key only from its namespace; a ClusterSecretStore must name one", async () => {
    kube.setSecret("other", "ngrok", { key: API_KEY });
    await assert.rejects(
      client({ auth: { apiKey: { secretRef: { name: "ngrok", key: "key", namespace: "other" } } } }),
      StoreConfigError,
    );
    const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const };
    await assert.rejects(ngrokProvider.newClient(spec(), cluster), /cluster store requires namespace/);
    const ok = await ngrokProvider.newClient(
      spec({ auth: { apiKey: { secretRef: { name: "ngrok", key: "key", namespace: "ns" } } } }),
      { ...cluster, namespace: "elsewhere" },
    );
    assert.deepEqual(await ok.validate(), { ready: true });
  });
});
