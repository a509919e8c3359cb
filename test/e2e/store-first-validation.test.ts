/**
 * A SecretStore and its ExternalSecret applied together: the ExternalSecret waits for the store's first validation
 * (its status change re-queues it) instead of recording "store is not ready" first, so its first sync costs one
 * status write and no Warning event.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FakeVault } from "../fakes/vault-server.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
  vaultTokenStoreManifest,
  waitForSecretData,
} from "../support/world.js";

const NS = "applied-together";
let vault: FakeVault;

before(async () => {
  vault = await new FakeVault().start();
  vault.addToken("together-token").mountKv("secret", 2).putSecret("secret", "app/db", { password: "pw-1" });
});
after(() => vault.stop());

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "vault-token", { token: "together-token" }));
});

describe("store and ExternalSecret applied together", () => {
  it("the ExternalSecret waits for the store's first validation: one status write, no Warning event", async () => {
    // The store's first validation (token lookup) is slow, so the ExternalSecret is reconciled before it ends.
    vault.fault("auth/token/lookup-self", { delayMs: 1_500 }, 1);
    h.api.resetCounts();
    await h.client.create(SECRET_STORES, vaultTokenStoreManifest(NS, vault.url));
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("db", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "vault", kind: "SecretStore" },
        data: [{ secretKey: "password", remoteRef: { key: "app/db", property: "password" } }],
      }),
    );
    assert.deepEqual(await waitForSecretData(h, NS, "db"), { password: "pw-1" });
    assert.equal((await readyCondition(h, EXTERNAL_SECRETS, NS, "db"))?.status, "True");
    const counts = h.api.requestCounts();
    assert.equal(counts["update externalsecrets/status"], 1, JSON.stringify(counts));
    const events = await h.client.list<{ type?: string; reason?: string; message?: string }>(
      { group: "", version: "v1", plural: "events", namespaced: true },
      NS,
    );
    const warnings = events.filter((e) => e.type === "Warning");
    assert.deepEqual(warnings, [], JSON.stringify(warnings));
  });
});
