import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretWrites,
  useHarness,
} from "../support/world.js";

const h = useHarness({}, async (h) => {
  await createNamespace(h, "app");
  await createReadyStore(
    h,
    fakeStore("fake", "app", [
      { key: "/db", value: '{"user":"admin","password":"p1"}' },
      { key: "/api", value: "token-1" },
    ]),
  );
});

/** Decoded data of a Secret in the "app" namespace. */
const appData = (name: string) => secretData(h, "app", name);

describe("ExternalSecret end to end (fake store)", () => {
  it("syncs the Secret, rotates after the refresh interval, restores tampering", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app-secrets", "app", {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name: "app-secrets" },
        data: [
          { secretKey: "db-password", remoteRef: { key: "/db", property: "password" } },
          { secretKey: "api-key", remoteRef: { key: "/api" } },
        ],
      }),
    );
    await eventually(async () => (await appData("app-secrets"))["db-password"] === "p1", {
      timeoutMs: 15_000,
      what: "secret synced",
    });
    assert.deepEqual(await appData("app-secrets"), { "db-password": "p1", "api-key": "token-1" });
    const cond = await eventually(() => readyCondition(h, EXTERNAL_SECRETS, "app", "app-secrets"));
    assert.equal(cond.status, "True");
    assert.equal(cond.reason, "SecretSynced");
    const es = await h.client.get(EXTERNAL_SECRETS, "app", "app-secrets");
    assert.equal(es.status.binding.name, "app-secrets");
    assert.ok(es.status.refreshTime);
    assert.ok(es.status.syncedResourceVersion);
    const secret = await h.client.get(SECRETS, "app", "app-secrets");
    assert.equal(secret.metadata.labels["reconcile.external-secrets.io/managed"], "true");
    assert.equal(secret.metadata.ownerReferences[0].kind, "ExternalSecret");
    assert.ok(secret.metadata.annotations["reconcile.external-secrets.io/data-hash"]);

    // rotation at the provider shows up after the refresh interval
    const store = await h.client.get(SECRET_STORES, "app", "fake");
    store.spec.provider.fake.data[0].value = '{"user":"admin","password":"p2"}';
    await h.client.update(SECRET_STORES, store);
    await eventually(async () => (await appData("app-secrets"))["db-password"] === "p2", {
      timeoutMs: 15_000,
      what: "rotation",
    });

    // tampering is restored within seconds
    const live = await h.client.get(SECRETS, "app", "app-secrets");
    live.data["db-password"] = Buffer.from("hacked").toString("base64");
    await h.client.update(SECRETS, live);
    await eventually(async () => (await appData("app-secrets"))["db-password"] === "p2", {
      timeoutMs: 10_000,
      what: "drift restored",
    });
    // deletion is restored too
    await h.client.delete(SECRETS, "app", "app-secrets");
    await eventually(async () => (await appData("app-secrets"))["db-password"] === "p2", {
      timeoutMs: 10_000,
      what: "deleted restored",
    });
    const metrics = await h.registry.getSingleMetricAsString("externalsecrets_drift_detected_total");
    assert.match(metrics, /name="app-secrets"/);
  });

  it("a no-change refresh writes no Secret", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("quiet", "app", {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "k", remoteRef: { key: "/api" } }],
      }),
    );
    await eventually(async () => (await appData("quiet")).k === "token-1", { timeoutMs: 15_000, what: "quiet synced" });
    const first = (await h.client.get(EXTERNAL_SECRETS, "app", "quiet")).status.refreshTime;
    const rv = (await h.client.get(SECRETS, "app", "quiet")).metadata.resourceVersion;
    h.api.resetCounts();
    await eventually(
      async () => {
        const t = (await h.client.get(EXTERNAL_SECRETS, "app", "quiet")).status.refreshTime;
        return Date.parse(t) >= Date.parse(first) + 2000;
      },
      { timeoutMs: 15_000, what: "two more refreshes" },
    );
    assert.equal(secretWrites(h), 0, JSON.stringify(h.api.requestCounts()));
    assert.equal((await h.client.get(SECRETS, "app", "quiet")).metadata.resourceVersion, rv);
  });

  it("a provider error keeps the last good data and explains itself", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("keep", "app", {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "k", remoteRef: { key: "/api" } }],
      }),
    );
    await eventually(async () => (await appData("keep")).k === "token-1", { timeoutMs: 15_000, what: "keep synced" });
    const es = await h.client.get(EXTERNAL_SECRETS, "app", "keep");
    es.spec.data[0].remoteRef.key = "/missing";
    await h.client.update(EXTERNAL_SECRETS, es);
    const cond = await eventually(
      async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, "app", "keep");
        return c?.status === "False" ? c : undefined;
      },
      { timeoutMs: 15_000, what: "error condition" },
    );
    assert.equal(cond.reason, "SecretSyncedError");
    assert.match(cond.message ?? "", /\/missing/);
    assert.deepEqual(await appData("keep"), { k: "token-1" });
  });
});
