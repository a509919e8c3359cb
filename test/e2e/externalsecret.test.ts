import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  eventually,
  externalSecret,
  fakeStore,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretWrites,
  startHarness,
} from "./harness.js";

let h: Harness;

before(async () => {
  h = await startHarness();
  await createNamespace(h, "app");
  await h.client.create(
    SECRET_STORES,
    fakeStore("fake", "app", [
      { key: "/db", value: '{"user":"admin","password":"p1"}' },
      { key: "/api", value: "token-1" },
    ]),
  );
  await eventually(
    async () => (await readyCondition(h, SECRET_STORES, "app", "fake"))?.status === "True",
    15_000,
    "store Ready",
  );
});

after(async () => {
  await h.stop();
});

async function secretData(name: string, namespace = "app") {
  return decoded(await h.client.get(SECRETS, namespace, name));
}

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
    await eventually(async () => (await secretData("app-secrets"))["db-password"] === "p1", 15_000, "secret synced");
    assert.deepEqual(await secretData("app-secrets"), { "db-password": "p1", "api-key": "token-1" });
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
    await eventually(async () => (await secretData("app-secrets"))["db-password"] === "p2", 15_000, "rotation");

    // tampering is restored within seconds
    const live = await h.client.get(SECRETS, "app", "app-secrets");
    live.data["db-password"] = Buffer.from("hacked").toString("base64");
    await h.client.update(SECRETS, live);
    await eventually(async () => (await secretData("app-secrets"))["db-password"] === "p2", 10_000, "drift restored");
    // deletion is restored too
    await h.client.delete(SECRETS, "app", "app-secrets");
    await eventually(async () => (await secretData("app-secrets"))["db-password"] === "p2", 10_000, "deleted restored");
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
    await eventually(async () => (await secretData("quiet")).k === "token-1", 15_000, "quiet synced");
    const first = (await h.client.get(EXTERNAL_SECRETS, "app", "quiet")).status.refreshTime;
    const rv = (await h.client.get(SECRETS, "app", "quiet")).metadata.resourceVersion;
    h.api.resetCounts();
    await eventually(
      async () => {
        const t = (await h.client.get(EXTERNAL_SECRETS, "app", "quiet")).status.refreshTime;
        return Date.parse(t) >= Date.parse(first) + 2000;
      },
      15_000,
      "two more refreshes",
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
    await eventually(async () => (await secretData("keep")).k === "token-1", 15_000, "keep synced");
    const es = await h.client.get(EXTERNAL_SECRETS, "app", "keep");
    es.spec.data[0].remoteRef.key = "/missing";
    await h.client.update(EXTERNAL_SECRETS, es);
    const cond = await eventually(
      async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, "app", "keep");
        return c?.status === "False" ? c : undefined;
      },
      15_000,
      "error condition",
    );
    assert.equal(cond.reason, "SecretSyncedError");
    assert.match(cond.message ?? "", /\/missing/);
    assert.deepEqual(await secretData("keep"), { k: "token-1" });
  });
});
