import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  SECRETS,
  secretData,
  useHarness,
} from "../support/world.js";

let denying: Server;
let denyingUrl: string;
const secretValue = "s3cr3t-metric-probe";

before(async () => {
  // A secret backend that rejects every credential: auth failures must be counted per store.
  denying = createServer((_req, res) => {
    res.writeHead(401, { "content-type": "application/json" });
    res.end('{"error":"unauthorized"}');
  });
  await new Promise<void>((r) => denying.listen(0, "127.0.0.1", r));
  denyingUrl = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
});

const h = useHarness({}, (h) => createNamespace(h, "metrics", { team: "a" }));

after(async () => {
  await new Promise<void>((r) => denying.close(() => r()));
});

/** Value of one sample line `name{labels} value` whose labels include every given pair. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(" ").pop());
  }
  return undefined;
}

describe("metrics after syncs through the controllers", () => {
  it("exposes upstream's and the alerting guides' series with names-only labels", async () => {
    await createReadyStore(h, fakeStore("fake", "metrics", [{ key: "/db", value: secretValue }]));
    await createReadyStore(h, fakeStore("shared", undefined, [{ key: "/db", value: secretValue }]));
    await createReadyStore(h, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "denied", namespace: "metrics" },
      spec: { provider: { webhook: { url: `${denyingUrl}/{{ .remoteRef.key }}`, result: { jsonPath: "$" } } } },
    });

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app", "metrics", {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name: "app" },
        data: [{ secretKey: "password", remoteRef: { key: "/db" } }],
      }),
    );
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("locked-out", "metrics", {
        refreshInterval: "1h",
        secretStoreRef: { name: "denied", kind: "SecretStore" },
        target: { name: "locked-out" },
        data: [{ secretKey: "password", remoteRef: { key: "db" } }],
      }),
    );
    await h.client.create(CLUSTER_EXTERNAL_SECRETS, {
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "fanout" },
      spec: {
        namespaceSelectors: [{ matchLabels: { team: "a" } }],
        externalSecretName: "from-cluster",
        externalSecretSpec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "shared", kind: "ClusterSecretStore" },
          target: { name: "from-cluster" },
          data: [{ secretKey: "password", remoteRef: { key: "/db" } }],
        },
      },
    });
    await eventually(async () => (await secretData(h, "metrics", "app")).password === secretValue);
    await eventually(async () => (await secretData(h, "metrics", "from-cluster")).password);
    await eventually(
      async () => (await readyCondition(h, EXTERNAL_SECRETS, "metrics", "locked-out"))?.status === "False",
      { timeoutMs: 15_000, what: "auth failure surfaces" },
    );

    // Tamper with the managed Secret: the restore counts as drift.
    const live = await h.client.get(SECRETS, "metrics", "app");
    await h.client.update(SECRETS, { ...live, data: { password: Buffer.from("edited").toString("base64") } });
    await eventually(async () => (await secretData(h, "metrics", "app")).password === secretValue);

    const text = await eventually(async () => {
      const t = await h.registry.metrics();
      return (sample(t, "externalsecrets_drift_detected_total", { name: "app" }) ?? 0) >= 1 ? t : undefined;
    });
    for (const name of [
      "externalsecret_sync_calls_total",
      "externalsecret_sync_calls_error",
      "externalsecret_status_condition",
      "externalsecret_reconcile_duration",
      "secretstore_status_condition",
      "clustersecretstore_status_condition",
      "clusterexternalsecret_status_condition",
      "externalsecret_provider_api_calls_count",
      "externalsecrets_sync_calls_total",
      "externalsecrets_sync_duration_seconds_bucket",
      "externalsecrets_secrets_total",
      "externalsecrets_drift_detected_total",
      "externalsecrets_store_auth_failure_total",
    ]) {
      assert.match(text, new RegExp(`^${name}\\{`, "m"), `${name} is exported with labels`);
    }

    assert.ok(
      sample(text, "externalsecrets_sync_calls_total", { name: "app", namespace: "metrics", status: "success" }),
    );
    assert.ok(sample(text, "externalsecrets_sync_calls_total", { name: "locked-out", status: "error" }));
    assert.ok(sample(text, "externalsecret_sync_calls_error", { name: "locked-out", namespace: "metrics" }));
    assert.ok(sample(text, "externalsecrets_sync_duration_seconds_count", { store: "fake", status: "success" }));
    assert.ok(sample(text, "externalsecrets_sync_duration_seconds_count", { store: "denied", status: "error" }));
    assert.ok((sample(text, "externalsecrets_store_auth_failure_total", { store: "denied" }) ?? 0) >= 1);
    assert.equal(sample(text, "externalsecrets_store_auth_failure_total", { store: "fake" }), undefined);
    assert.ok((sample(text, "externalsecrets_secrets_total", { store_provider: "fake" }) ?? 0) >= 2);
    assert.ok(sample(text, "externalsecret_provider_api_calls_count", { provider: "fake", status: "success" }));
    assert.ok(sample(text, "externalsecret_provider_api_calls_count", { provider: "webhook", status: "error" }));
    assert.equal(
      sample(text, "externalsecret_status_condition", { name: "app", condition: "Ready", status: "True" }),
      1,
    );
    assert.equal(sample(text, "externalsecret_status_condition", { name: "locked-out", status: "False" }), 1);
    assert.equal(
      sample(text, "secretstore_status_condition", { name: "fake", namespace: "metrics", status: "True" }),
      1,
    );
    assert.equal(sample(text, "clustersecretstore_status_condition", { name: "shared", status: "True" }), 1);
    assert.equal(sample(text, "clusterexternalsecret_status_condition", { name: "fanout", status: "True" }), 1);
    assert.ok((sample(text, "externalsecret_reconcile_duration", { name: "app" }) ?? 0) > 0);
    assert.ok(!text.includes(secretValue), "secret values never reach metric labels");
    assert.ok(!text.includes("unauthorized"), "error text never reaches metric labels");
  });

  it("drops an ExternalSecret's series when it is deleted", async () => {
    await h.client.delete(EXTERNAL_SECRETS, "metrics", "locked-out");
    await eventually(async () => {
      const t = await h.registry.metrics();
      return sample(t, "externalsecret_status_condition", { name: "locked-out" }) === undefined;
    });
  });
});
