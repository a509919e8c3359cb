/** Vault checkAndSet.required, auth.cert.vaultRole and tls client certificates (mTLS) against the fake. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { VaultProvider as VaultProviderSpec } from "../../src/api/providers/vault.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError, StoreConfigError } from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { newVaultProvider } from "../../src/providers/vault/index.js";
import { FakeVault, makeTestPki, type TestPki } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newVaultProvider({ requestTimeoutMs: 2000, maxRetries: 0, retryBaseMs: 5 });
const NS = "apps";
let kube: MemoryKubeAccess;
let caches: ClientCaches;
let pki: TestPki;

const ctx = (): ProviderContext => ({ kube, caches, storeKind: "SecretStore", storeName: "vault", namespace: NS });
const token = { tokenSecretRef: { name: "vault-token", key: "token" } };
const source = { name: "src", namespace: NS, data: { user: Buffer.from("admin"), pass: Buffer.from("s3cret") } };

before(() => {
  pki = makeTestPki();
});

beforeEach(() => {
  caches = new ClientCaches();
  kube = new MemoryKubeAccess()
    .setSecret(NS, "vault-token", { token: "root" })
    .setSecret(NS, "client-tls", { "tls.crt": pki.clientCertPem, "tls.key": pki.clientKeyPem });
});

describe("vault checkAndSet.required", () => {
  let vault: FakeVault;
  before(async () => {
    vault = await new FakeVault().start();
    vault.addToken("root").mountKv("strict", 2, { casRequired: true }).mountKv("legacy", 1);
  });
  after(() => vault.stop());

  const store = (extra: Partial<VaultProviderSpec> = {}): VaultProviderSpec => ({
    server: vault.url,
    path: "strict",
    version: "v2",
    auth: token,
    ...extra,
  });
  const dataWrites = (key: string) =>
    vault.requests.filter((r) => r.path === `strict/data/${key}` && (r.method === "POST" || r.method === "PUT"));

  test("required: pushes carry cas 0 for a new secret, then the current version, on a cas_required mount", async () => {
    const c = await provider.newClient(store({ checkAndSet: { required: true } }), ctx());
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "db", property: "user" } });
    await c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "db", property: "pass" } });
    assert.deepEqual(vault.getSecretData("strict", "db"), { user: "admin", pass: "s3cret" });
    assert.deepEqual(
      dataWrites("db").map((w) => w.body.options),
      [{ cas: 0 }, { cas: 1 }],
    );
  });

  test("required: a version written by someone else in between is current, so the push still lands", async () => {
    const c = await provider.newClient(store({ checkAndSet: { required: true } }), ctx());
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "shared", property: "user" } });
    vault.putSecret("strict", "shared", { user: "admin", note: "edited by hand" });
    await c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "shared", property: "pass" } });
    assert.deepEqual(vault.getSecretData("strict", "shared"), {
      user: "admin",
      note: "edited by hand",
      pass: "s3cret",
    });
    assert.deepEqual(dataWrites("shared").at(-1)?.body.options, { cas: 2 });
  });

  test("not required: no cas is sent, so a cas_required mount refuses the write", async () => {
    const c = await provider.newClient(store(), ctx());
    await assert.rejects(
      c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "loose", property: "user" } }),
      /HTTP 400: check-and-set parameter required/,
    );
    assert.equal(dataWrites("loose")[0]?.body.options, undefined);
  });

  test("required is refused on KV v1, by validation and when the client is built", async () => {
    const v1 = store({ path: "legacy", version: "v1", checkAndSet: { required: true } });
    assert.deepEqual(provider.validate(v1, "SecretStore").errors, [
      "spec.provider.vault.checkAndSet.required: check-and-set is not supported with Vault KV version v1",
    ]);
    await assert.rejects(provider.newClient(v1, ctx()), StoreConfigError);
    assert.deepEqual(provider.validate({ ...v1, checkAndSet: { required: false } }, "SecretStore").errors, []);
  });
});

describe("vault over mTLS", () => {
  let vault: FakeVault;
  before(async () => {
    vault = await new FakeVault({ tls: pki, requireClientCert: true }).start();
    vault
      .addToken("root")
      .mountKv("secret", 2)
      .putSecret("secret", "x", { k: "mtls-ok" })
      .enableCertAuth("cert", {
        web: { allowedCommonNames: ["web-frontend"] },
        eso: { allowedCommonNames: ["eso-client"] },
      });
  });
  after(() => vault.stop());
  beforeEach(() => {
    vault.requests.length = 0;
  });

  const base = (): VaultProviderSpec => ({
    server: vault.url,
    path: "secret",
    caBundle: Buffer.from(pki.caPem).toString("base64"),
    auth: token,
  });

  test("tls.certSecretRef/keySecretRef present the client certificate (tls.crt / tls.key by default)", async () => {
    const c = await provider.newClient(
      { ...base(), tls: { certSecretRef: { name: "client-tls" }, keySecretRef: { name: "client-tls" } } },
      ctx(),
    );
    assert.equal((await c.getSecret({ key: "x", property: "k" })).toString(), "mtls-ok");
    assert.equal(vault.requests.at(-1)?.clientCertCN, "eso-client");
  });

  test("without a client certificate the server refuses the connection", async () => {
    const c = await provider.newClient(base(), ctx());
    await assert.rejects(c.getSecret({ key: "x" }), (e: Error) => !/mtls-ok/.test(e.message));
    assert.equal(vault.requests.length, 0);
  });

  test("only one of certSecretRef / keySecretRef is a validation error, not a silent plain connection", async () => {
    const half = { ...base(), tls: { certSecretRef: { name: "client-tls" } } };
    assert.deepEqual(provider.validate(half, "SecretStore").errors, [
      "spec.provider.vault.tls: when provided, both certSecretRef and keySecretRef must be set",
    ]);
    await assert.rejects(provider.newClient(half, ctx()), StoreConfigError);
  });

  const certAuth = (vaultRole?: string): VaultProviderSpec => ({
    ...base(),
    auth: {
      cert: {
        clientCert: { name: "client-tls", key: "tls.crt" },
        secretRef: { name: "client-tls", key: "tls.key" },
        ...(vaultRole ? { vaultRole } : {}),
      },
    },
  });

  test("auth.cert.vaultRole is sent as name and logs in against that role only", async () => {
    const c = await provider.newClient(certAuth("eso"), ctx());
    assert.equal((await c.getSecret({ key: "x", property: "k" })).toString(), "mtls-ok");
    const login = vault.requests.find((r) => r.path === "auth/cert/login");
    assert.deepEqual(login?.body, { name: "eso" });
  });

  test("a vaultRole whose certificate constraints do not match is refused", async () => {
    const c = await provider.newClient(certAuth("web"), ctx());
    await assert.rejects(c.getSecret({ key: "x" }), ProviderAuthError);
  });

  test("without vaultRole every role is tried and the body carries no name", async () => {
    const c = await provider.newClient(certAuth(), ctx());
    assert.equal((await c.getSecret({ key: "x", property: "k" })).toString(), "mtls-ok");
    assert.deepEqual(vault.requests.find((r) => r.path === "auth/cert/login")?.body, {});
  });
});
