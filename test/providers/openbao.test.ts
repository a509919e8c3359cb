import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { OpenBaoProvider } from "../../src/api/providers/openbao.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { newOpenBaoProvider, openBaoProvider } from "../../src/providers/openBao/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { FakeVault, type LoginCheck } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newOpenBaoProvider({ requestTimeoutMs: 2000, maxRetries: 0, retryBaseMs: 5 });
const NS = "team";
const ROOT = "s.root-openbao-token";
const DB_PW = "bao-db-password-991";
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

let bao: FakeVault;
let kube: MemoryKubeAccess;
let caches: ClientCaches;
const ctx = (extra: Partial<ProviderContext> = {}): ProviderContext => ({
  kube,
  caches,
  storeKind: "SecretStore",
  storeName: "bao",
  namespace: NS,
  ...extra,
});
const tokenSpec = (extra: Partial<OpenBaoProvider> = {}): OpenBaoProvider => ({
  server: bao.url,
  path: "secret",
  auth: { tokenSecretRef: { name: "bao-token", key: "token" } },
  ...extra,
});
const client = (spec: OpenBaoProvider = tokenSpec(), c = ctx()): Promise<SecretsClient> => provider.newClient(spec, c);
const kubeCheck =
  (role: string, audience?: string): LoginCheck =>
  (body) => {
    const claims = kube.verifyToken(String(body.jwt ?? ""));
    return { ok: body.role === role && !!claims && (!audience || claims.aud.includes(audience)) };
  };

before(async () => {
  bao = await new FakeVault().start();
  bao
    .addToken(ROOT)
    .mountKv("secret", 2)
    .mountKv("legacy", 1)
    .putSecret("secret", "app/db", { password: DB_PW, port: 5432, nested: { user: "app" } })
    .putSecret("secret", "app/api", { token: "api-1" })
    .putSecret("secret", "app/api", { token: "api-2" })
    .putSecret("secret", "app/deep/inner", { x: "y" })
    .putSecret("secret", "other", { k: "v" }, { owner: "team-a" })
    .putSecret("legacy", "conf", { user: "v1user" });
  bao
    .enableAuth("approle", "approle", (b) => ({ ok: b.role_id === "rid" && b.secret_id === "sid" }))
    .enableAuth("userpass", "userpass", (b) => ({ ok: b.username === "alice" && b.password === "pw1" }))
    .enableAuth("kubernetes", "kubernetes", kubeCheck("eso-reader", "openbao"));
});
after(() => bao.stop());
beforeEach(() => {
  bao.clearFaults();
  caches = new ClientCaches();
  kube = new MemoryKubeAccess()
    .setSecret(NS, "bao-token", { token: ROOT })
    .setSecret(NS, "approle", { secret_id: "sid", role_id: "rid" })
    .setSecret(NS, "userpass", { password: "pw1" })
    .setServiceAccount(NS, "eso");
});

describe("openBao: store readiness and spec validation", () => {
  test("ready with a good token on a KV v2 mount; not ready naming the cause otherwise", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret(NS, "bao-token", { token: "s.revoked" });
    const bad = await (await client()).validate();
    assert.equal(bad.ready, false);
    assert.match(bad.message ?? "", /permission denied/);
    kube.setSecret(NS, "bao-token", { token: ROOT });
    const wrongVersion = await (await client(tokenSpec({ path: "legacy" }))).validate();
    assert.equal(wrongVersion.ready, false);
    assert.match(wrongVersion.message ?? "", /expected kv engine version 2, found version 1/);
    assert.deepEqual(await (await client(tokenSpec({ path: "legacy", version: "v1" }))).validate(), { ready: true });
    const missing = await (await client(tokenSpec({ path: "nope" }))).validate();
    assert.match(missing.message ?? "", /mount "nope": not found/);
  });

  test("validate(spec) names each bad field, as upstream's schema rules", () => {
    const errs = (spec: unknown, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      openBaoProvider.validate(spec as OpenBaoProvider, kind).errors;
    assert.deepEqual(errs({ server: "::", auth: {} }), [
      "spec.provider.openBao.server: is not a valid URL",
      "spec.provider.openBao.auth: exactly one of appRole, tokenSecretRef, userPass or kubernetes must be set",
    ]);
    assert.deepEqual(
      errs({ server: "https://bao:8200", caBundle: "eA==", caProvider: { type: "Secret", name: "ca" } }),
      ["spec.provider.openBao: at most one of caBundle or caProvider may be set"],
    );
    assert.deepEqual(
      errs({
        server: "https://b",
        auth: { appRole: { path: "approle", roleId: "r", roleRef: { name: "x" }, secretRef: { name: "s" } } },
      }),
      ["spec.provider.openBao.auth.appRole: exactly one of roleId or roleRef must be set"],
    );
    assert.deepEqual(errs({ server: "https://b", auth: { kubernetes: { path: "kubernetes", role: "r" } } }), [
      "spec.provider.openBao.auth.kubernetes: exactly one of serviceAccountRef or secretRef must be set",
    ]);
    assert.deepEqual(errs({ server: "https://b", auth: { userPass: { path: "userpass", username: "" } } }), [
      "spec.provider.openBao.auth.userPass.username: is required",
      "spec.provider.openBao.auth.userPass.secretRef: is required",
    ]);
    assert.deepEqual(errs({ server: "https://b" }), [], "no auth: requests go unauthenticated, as upstream");
    assert.equal(openBaoProvider.capabilities(tokenSpec()), "ReadOnly");
  });
});

describe("openBao: reads", () => {
  test("getSecret: whole secret as JSON, a property (top-level key, then a path), a version", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: "app/db" })).toString(),
      `{"nested":{"user":"app"},"password":"${DB_PW}","port":5432}`,
    );
    assert.equal((await c.getSecret({ key: "app/db", property: "password" })).toString(), DB_PW);
    assert.equal((await c.getSecret({ key: "app/db", property: "port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: "app/db", property: "nested.user" })).toString(), "app");
    assert.equal((await c.getSecret({ key: "app/api", property: "token", version: "1" })).toString(), "api-1");
    assert.equal((await c.getSecret({ key: "app/api", property: "token" })).toString(), "api-2");
    assert.equal(
      (await c.getSecret({ key: "other", metadataPolicy: "Fetch", property: "owner" })).toString(),
      "team-a",
    );
    const kv1 = await client(tokenSpec({ path: "legacy", version: "v1" }));
    assert.equal((await kv1.getSecret({ key: "conf", property: "user" })).toString(), "v1user");
    await assert.rejects(kv1.getSecret({ key: "conf", version: "1" }), /KV v1 secrets have no versions/);
    await assert.rejects(c.getSecret({ key: "app/db", property: "missing" }), NoSecretError);
  });

  test("getSecretMap and getAllSecrets by name and path; tags are not supported", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: "app/db" })), {
      password: DB_PW,
      port: "5432",
      nested: '{"user":"app"}',
    });
    assert.deepEqual(str(await c.getAllSecrets({ path: "app", name: { regexp: "^a" } })), {
      "app/api": '{"token":"api-2"}',
    });
    assert.deepEqual(Object.keys(await c.getAllSecrets({ path: "app" })).sort(), ["app/api", "app/db"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ name: { regexp: "^oth" } })), ["other"]);
    await assert.rejects(c.getAllSecrets({ tags: { owner: "team-a" } }), NotSupportedError);
  });

  test("push, delete and exists are refused (read-only, as upstream)", async () => {
    const c = await client();
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: NS, data: {} }, { remoteRef: { remoteKey: "x" } }),
      NotSupportedError,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
  });
});

describe("openBao: auth methods through the shared Vault kit", () => {
  test("appRole with roleRef, userPass, and kubernetes with a TokenRequest token: one login for many reads", async () => {
    const specs: OpenBaoProvider[] = [
      tokenSpec({
        auth: {
          appRole: {
            path: "approle",
            roleRef: { name: "approle", key: "role_id" },
            secretRef: { name: "approle", key: "secret_id" },
          },
        },
      }),
      tokenSpec({
        auth: { userPass: { path: "userpass", username: "alice", secretRef: { name: "userpass", key: "password" } } },
      }),
      tokenSpec({
        auth: {
          kubernetes: {
            path: "kubernetes",
            role: "eso-reader",
            serviceAccountRef: { name: "eso", audiences: ["openbao"] },
          },
        },
      }),
    ];
    for (const spec of specs) {
      caches = new ClientCaches();
      const before = bao.requests.filter((r) => r.path.startsWith("auth/")).length;
      const c1 = await client(spec);
      assert.equal((await c1.getSecret({ key: "app/db", property: "password" })).toString(), DB_PW);
      const c2 = await client(spec);
      await c2.getSecret({ key: "app/api" });
      assert.equal(
        bao.requests.filter((r) => r.path.startsWith("auth/")).length - before,
        1,
        JSON.stringify(spec.auth),
      );
    }
    assert.deepEqual(kube.issued.at(-1)?.audiences, ["openbao"]);
  });

  test("a refused login is ProviderAuthError naming OpenBao, not Vault, and never the password", async () => {
    kube.setSecret(NS, "userpass", { password: "wrong-pw-77" });
    const spec = tokenSpec({
      auth: { userPass: { path: "userpass", username: "alice", secretRef: { name: "userpass", key: "password" } } },
    });
    const err = await (await client(spec)).getSecret({ key: "app/db" }).catch((e: Error) => e);
    assert.ok(err instanceof ProviderAuthError, String(err));
    assert.match(err.message, /^openbao: userPass login/);
    assert.ok(!err.message.includes("wrong-pw-77"));
    const res = await (await client(spec)).validate();
    assert.equal(res.ready, false);
  });

  test("auth.namespace and namespace go out as X-Vault-Namespace for login and reads", async () => {
    const nsBao = await new FakeVault({ namespace: "tenant-a", authNamespace: "admin" }).start();
    try {
      nsBao.addToken(ROOT).mountKv("secret", 2).putSecret("secret", "x", { k: "v" });
      nsBao.enableAuth("userpass", "userpass", (b) => ({ ok: b.password === "pw1" }));
      const spec: OpenBaoProvider = {
        server: nsBao.url,
        path: "secret",
        namespace: "tenant-a",
        auth: {
          namespace: "admin",
          userPass: { path: "userpass", username: "alice", secretRef: { name: "userpass", key: "password" } },
        },
      };
      assert.equal(String(await (await client(spec)).getSecret({ key: "x", property: "k" })), "v");
      const login = nsBao.requests.find((r) => r.path === "auth/userpass/login/alice");
      const read = nsBao.requests.find((r) => r.path === "secret/data/x");
      assert.equal(login?.headers["x-vault-namespace"], "admin");
      assert.equal(read?.headers["x-vault-namespace"], "tenant-a");
    } finally {
      await nsBao.stop();
    }
  });
});

describe("openBao: failures", () => {
  test("not found names the key; 403 auth; 429 throttled; 5xx names the status", async () => {
    const c = await client();
    const nf = await c.getSecret({ key: "app/missing" }).catch((e: Error) => e);
    assert.ok(nf instanceof NoSecretError);
    assert.match(nf.message, /secret "app\/missing": not found/);
    bao.fault("secret/data/app/db", { status: 429 });
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderThrottledError);
    bao.fault("secret/data/app/db", { status: 503 });
    await assert.rejects(c.getSecret({ key: "app/db" }), /openbao: secret\/data\/app\/db: HTTP 503/);
    kube.setSecret(NS, "bao-token", { token: "s.unknown" });
    await assert.rejects((await client()).getSecret({ key: "app/db" }), ProviderAuthError);
  });

  test("no value or token appears in an error", async () => {
    const c = await client();
    const messages: string[] = [];
    for (const f of [429, 500, 403]) {
      bao.fault("secret/data/app/db", { status: f, echoBody: true });
      messages.push(
        await c.getSecret({ key: "app/db" }).then(
          () => "",
          (e: Error) => e.message,
        ),
      );
    }
    messages.push(
      await c.getSecret({ key: "app/db", property: "nope" }).then(
        () => "",
        (e: Error) => e.message,
      ),
    );
    messages.push(
      await c.getSecretMap({ key: "app/db", property: "password" }).then(
        () => "",
        (e: Error) => e.message,
      ),
    );
    assert.equal(messages.filter(Boolean).length, 5);
    for (const m of messages) for (const s of [DB_PW, ROOT]) assert.ok(!m.includes(s), m);
  });
});

describe("openBao: tenancy", () => {
  test("a SecretStore naming a credential in another namespace fails with StoreConfigError", async () => {
    kube.setSecret("other", "bao-token", { token: ROOT });
    const spec = tokenSpec({ auth: { tokenSecretRef: { name: "bao-token", key: "token", namespace: "other" } } });
    const err = await client(spec).catch((e: Error) => e);
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /spec\.provider\.openBao\.auth\.tokenSecretRef\.namespace/);
  });

  test("kubernetes auth never falls back to the operator's own token, even for a ClusterSecretStore", async () => {
    const spec = tokenSpec({ auth: { kubernetes: { path: "kubernetes", role: "eso-reader" } } });
    for (const storeKind of ["SecretStore", "ClusterSecretStore"] as const) {
      await assert.rejects(client(spec, ctx({ storeKind })), StoreConfigError);
    }
    const sa = tokenSpec({
      auth: {
        kubernetes: { path: "kubernetes", role: "r", serviceAccountRef: { name: "admin", namespace: "kube-system" } },
      },
    });
    await assert.rejects(client(sa), StoreConfigError);
    assert.equal(kube.issued.length, 0);
  });

  test("stores do not share logins: another store name logs in again", async () => {
    const spec = tokenSpec({
      auth: { userPass: { path: "userpass", username: "alice", secretRef: { name: "userpass", key: "password" } } },
    });
    const logins = () => bao.requests.filter((r) => r.path === "auth/userpass/login/alice").length;
    const n = logins();
    await (await client(spec)).getSecret({ key: "app/db" });
    await (await client(spec, ctx({ storeName: "another" }))).getSecret({ key: "app/db" });
    assert.equal(logins() - n, 2);
  });
});
