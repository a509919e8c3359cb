/**
 * SecretStore / ClusterSecretStore spec.refreshInterval as upstream: an integer (seconds) or a Go duration string.
 * The API server keeps both forms, refuses other types, and the store controller re-validates at that interval:
 * a Vault token revoked behind the store's back turns it not Ready within seconds with "1s" or 1, while a store
 * on the controller's default interval (60 s in this harness) is not re-checked yet.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { storeRefreshIntervalMs } from "../../src/api/secretstore.js";
import { validateObject } from "../../src/api/validation.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "store-refresh";
let vault: FakeVault;

before(async () => {
  vault = await new FakeVault().start();
  vault.mountKv("secret", 2);
});
after(async () => {
  await vault.stop();
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
});

function vaultStore(name: string, tokenSecret: string, refreshInterval?: number | string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: NS },
    spec: {
      ...(refreshInterval !== undefined ? { refreshInterval } : {}),
      provider: {
        vault: {
          server: vault.url,
          path: "secret",
          version: "v2",
          auth: { tokenSecretRef: { name: tokenSecret, key: "token" } },
        },
      },
    },
  };
}

describe("store refreshInterval", () => {
  it("reads integers as seconds and strings as Go durations; 0, negative or bad values use the default", () => {
    assert.equal(storeRefreshIntervalMs({ refreshInterval: 30 }), 30_000);
    assert.equal(storeRefreshIntervalMs({ refreshInterval: "5m" }), 300_000);
    assert.equal(storeRefreshIntervalMs({ refreshInterval: "1h30m" }), 5_400_000);
    assert.equal(storeRefreshIntervalMs({ refreshInterval: "45" }), 45_000);
    for (const v of [0, -5, "0", "", "soon", undefined]) {
      assert.equal(storeRefreshIntervalMs({ refreshInterval: v }), undefined, String(v));
    }
    const bad = validateObject(vaultStore("s", "t", "every hour"));
    assert.ok(bad.some((e) => e.path === "spec.refreshInterval" && /invalid duration/.test(e.message)));
    assert.deepEqual(
      validateObject(vaultStore("s", "t", "10m")).filter((e) => e.severity === "error"),
      [],
      "a duration string is valid",
    );
  });

  it("the API server keeps an integer and a duration string, and refuses any other type", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "unused-token", { token: "x" }));
    await h.client.create(SECRET_STORES, vaultStore("as-int", "unused-token", 30));
    await h.client.create(SECRET_STORES, vaultStore("as-string", "unused-token", "5m"));
    assert.equal((await h.client.get(SECRET_STORES, NS, "as-int")).spec.refreshInterval, 30);
    assert.equal((await h.client.get(SECRET_STORES, NS, "as-string")).spec.refreshInterval, "5m");
    await assert.rejects(h.client.create(SECRET_STORES, vaultStore("as-bool", "unused-token", true as never)));
  });

  it("re-validates at the interval: a revoked token is noticed with 1s or 1, not on the default interval", async () => {
    for (const [name, token, interval] of [
      ["every-second-string", "tok-a", "1s"],
      ["every-second-int", "tok-b", 1],
      ["default-interval", "tok-c", undefined],
    ] as const) {
      vault.addToken(token);
      await h.client.create(SECRETS, secretManifest(NS, `${name}-token`, { token }));
      await createReadyStore(h, vaultStore(name, `${name}-token`, interval));
    }
    for (const token of ["tok-a", "tok-b", "tok-c"]) vault.revokeToken(token);
    for (const name of ["every-second-string", "every-second-int"]) {
      await eventually(async () => (await readyCondition(h, SECRET_STORES, NS, name))?.status === "False", {
        timeoutMs: 15_000,
        what: `${name} re-validated`,
      });
    }
    assert.equal((await readyCondition(h, SECRET_STORES, NS, "default-interval"))?.status, "True");
  });
});
