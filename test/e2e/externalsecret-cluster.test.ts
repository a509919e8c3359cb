/**
 * ClusterExternalSecret end to end: one owned ExternalSecret per selected namespace (namespaceSelectors
 * and namespaces), externalSecretName and externalSecretMetadata, fan-out to namespaces that start
 * matching, cleanup where they stop, a foreign ExternalSecret reported as a failed namespace, status,
 * and garbage collection when the ClusterExternalSecret goes away.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  NAMESPACES,
  secretData,
  useHarness,
} from "../support/world.js";

const h = useHarness({}, async (h) => {
  await createReadyStore(h, fakeStore("shared", undefined, [{ key: "k", value: "fanned-out" }]));
  await createNamespace(h, "web", { tier: "frontend" });
  await createNamespace(h, "api", { tier: "frontend" });
  await createNamespace(h, "db", { tier: "backend" });
  await createNamespace(h, "named");
  await createNamespace(h, "taken", { tier: "frontend" });
});

const statusOf = async () => (await h.client.get(CLUSTER_EXTERNAL_SECRETS, "", "fan"))?.status ?? {};

async function setLabels(name: string, labels: Record<string, string>): Promise<void> {
  const ns = await h.client.get(NAMESPACES, "", name);
  ns.metadata.labels = { "kubernetes.io/metadata.name": name, ...labels };
  await h.client.update(NAMESPACES, ns);
}

describe("ClusterExternalSecret", () => {
  it("fans out to selected namespaces, follows label changes, reports failures, and cleans up", async () => {
    // An ExternalSecret someone else owns already has the name in one matching namespace.
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app-creds", "taken", {
        secretStoreRef: { name: "shared", kind: "ClusterSecretStore" },
        data: [{ secretKey: "mine", remoteRef: { key: "k" } }],
      }),
    );
    await h.client.create(CLUSTER_EXTERNAL_SECRETS, {
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "fan" },
      spec: {
        externalSecretName: "app-creds",
        externalSecretMetadata: { labels: { owner: "platform" }, annotations: { "note/why": "shared" } },
        namespaceSelectors: [{ matchLabels: { tier: "frontend" } }],
        namespaces: ["named"],
        refreshTime: "1s",
        externalSecretSpec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "shared", kind: "ClusterSecretStore" },
          target: { name: "app-creds" },
          data: [{ secretKey: "value", remoteRef: { key: "k" } }],
        },
      },
    });
    const st = await eventually(async () => {
      const s = await statusOf();
      return (s.provisionedNamespaces ?? []).length === 3 ? s : undefined;
    });
    assert.deepEqual(st.provisionedNamespaces, ["api", "named", "web"]);
    assert.deepEqual(
      st.failedNamespaces?.map((f: { namespace: string }) => f.namespace),
      ["taken"],
    );
    assert.match(st.failedNamespaces[0].reason, /already exists/);
    assert.equal(st.externalSecretName, "app-creds");
    const ready = st.conditions.find((c: { type: string }) => c.type === "Ready");
    assert.equal(ready.status, "False");

    for (const ns of ["web", "api", "named"]) {
      const es = await h.client.get(EXTERNAL_SECRETS, ns, "app-creds");
      assert.equal(es.metadata.labels.owner, "platform");
      assert.equal(es.metadata.annotations["note/why"], "shared");
      assert.equal(es.metadata.ownerReferences[0].kind, "ClusterExternalSecret");
      await eventually(async () => (await secretData(h, ns, "app-creds")).value === "fanned-out");
    }
    // the foreign ExternalSecret is left as it was
    const foreign = await h.client.get(EXTERNAL_SECRETS, "taken", "app-creds");
    assert.equal(foreign.metadata.ownerReferences, undefined);
    assert.equal(foreign.spec.data[0].secretKey, "mine");
    assert.equal(await h.client.get(EXTERNAL_SECRETS, "db", "app-creds"), undefined);

    // db starts matching, web stops matching
    await setLabels("db", { tier: "frontend" });
    await setLabels("web", { tier: "legacy" });
    await eventually(async () => JSON.stringify((await statusOf()).provisionedNamespaces) === '["api","db","named"]', {
      timeoutMs: 15_000,
      what: "namespaces followed",
    });
    await eventually(async () => (await h.client.get(EXTERNAL_SECRETS, "web", "app-creds")) === undefined);
    await eventually(async () => (await secretData(h, "db", "app-creds")).value === "fanned-out");

    // a deleted child is re-created
    await h.client.delete(EXTERNAL_SECRETS, "api", "app-creds");
    await eventually(async () => (await h.client.get(EXTERNAL_SECRETS, "api", "app-creds")) !== undefined);

    // deleting the ClusterExternalSecret removes what it created, never the foreign one
    await h.client.delete(CLUSTER_EXTERNAL_SECRETS, "", "fan");
    for (const ns of ["api", "db", "named"]) {
      await eventually(async () => (await h.client.get(EXTERNAL_SECRETS, ns, "app-creds")) === undefined, {
        timeoutMs: 15_000,
        what: ns,
      });
    }
    assert.ok(await h.client.get(EXTERNAL_SECRETS, "taken", "app-creds"));
  });
});
