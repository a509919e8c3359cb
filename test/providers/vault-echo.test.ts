/**
 * Vault's error text may quote a request back (its validation messages name the offending value). The
 * provider keeps Vault's text for diagnosis but cuts out every value the request carried: pushed data,
 * login credentials, the token. A value too short to cut out safely withholds Vault's text altogether.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { VaultProvider as VaultProviderSpec } from "../../src/api/providers/vault.js";
import { ClientCaches } from "../../src/providers/caches.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { newVaultProvider } from "../../src/providers/vault/index.js";
import { FakeVault } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newVaultProvider({ requestTimeoutMs: 2_000, maxRetries: 0, retryBaseMs: 5 });
const NS = "echo";
const TOKEN = "hvs.echo-test-token";
const SECRET_ID = "approle-secret-id-42";

let vault: FakeVault;
let kube: MemoryKubeAccess;
/** Logins are kept for the length of one test. */
let caches: ClientCaches;

const ctx = (): ProviderContext => ({ kube, caches, storeKind: "SecretStore", storeName: "vault", namespace: NS });

async function client(auth: VaultProviderSpec["auth"]): Promise<SecretsClient> {
  return provider.newClient({ server: vault.url, path: "secret", version: "v2", auth }, ctx());
}

const tokenAuth = { tokenSecretRef: { name: "vault-token", key: "token" } };

async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(err instanceof Error, "the call fails");
  return err.message;
}

before(async () => {
  vault = await new FakeVault().start();
});
after(async () => {
  await vault.stop();
});

beforeEach(() => {
  caches = new ClientCaches();
  vault.clearFaults();
  kube = new MemoryKubeAccess()
    .setSecret(NS, "vault-token", { token: TOKEN })
    .setSecret(NS, "approle", { secret_id: SECRET_ID });
  vault.addToken(TOKEN).mountKv("secret", 2);
});

describe("vault: error text that quotes the request", () => {
  test("a pushed value echoed by Vault is cut out; Vault's words and the status stay", async () => {
    const c = await client(tokenAuth);
    vault.fault("secret/data/echoed", { status: 400, echoBody: true }, 1, "POST");
    const source = { name: "src", namespace: NS, data: { pass: Buffer.from("pushed-value-s3cret") } };
    const message = await failure(
      c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "echoed", property: "pass" } }),
    );
    assert.match(message, /^vault: secret\/data\/echoed: HTTP 400: 1 error occurred:/);
    assert.match(message, /\[redacted\]/);
    assert.doesNotMatch(message, /pushed-value-s3cret/);
  });

  test("a two-character pushed value withholds Vault's text (cutting it out would mangle the rest)", async () => {
    const c = await client(tokenAuth);
    vault.fault("secret/data/short", { status: 400, echoBody: true }, 1, "POST");
    const source = { name: "src", namespace: NS, data: { pin: Buffer.from("Q9") } };
    const message = await failure(
      c.pushSecret(source, { secretKey: "pin", remoteRef: { remoteKey: "short", property: "pin" } }),
    );
    assert.equal(
      message,
      "vault: secret/data/short: HTTP 400 (Vault's message withheld: it may repeat a value sent in the request)",
    );
  });

  test("the token is cut out of a read error that names it", async () => {
    const c = await client(tokenAuth);
    vault.fault("secret/data/app", { status: 500, body: { errors: [`token ${TOKEN} is not valid here`] } });
    const message = await failure(c.getSecret({ key: "app" }));
    assert.equal(message, "vault: secret/data/app: HTTP 500: token [redacted] is not valid here");
  });

  test("an appRole secret_id echoed by a failed login is cut out", async () => {
    vault.enableAuth("approle", "approle", () => ({ ok: true }));
    vault.fault("auth/approle/login", { status: 400, echoBody: true }, 1);
    const appRole = { path: "approle", roleId: "web-role", secretRef: { name: "approle", key: "secret_id" } };
    // Whether the login happens on client creation or on first use, the error must not carry the secret_id.
    const message = await failure(client({ appRole }).then((c) => c.getSecret({ key: "app" })));
    assert.match(message, /appRole login at auth\/approle\/login failed: HTTP 400: /);
    assert.doesNotMatch(message, new RegExp(SECRET_ID));
  });
});
