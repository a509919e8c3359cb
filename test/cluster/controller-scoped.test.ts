/**
 * The chart's namespace-scoped install (scopedNamespace + scopedRBAC): Roles instead of ClusterRoles, and the
 * Deployment's own arguments (--namespace, cluster reconcilers off). Against the real API server's RBAC the
 * controller must work in its namespace with only those permissions, and leave other namespaces alone.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, type Obj, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "team-a";

const op = useOperator({
  chartValues: [`scopedNamespace=${NS}`, "scopedRBAC=true"],
  namespaces: [NS, "team-b"],
});

const spec = {
  refreshInterval: "1h",
  secretStoreRef: { name: "fake" },
  data: [{ secretKey: "k", remoteRef: { key: "k" } }],
};

describe("namespace-scoped install", () => {
  it("the chart binds Roles only, and the Deployment watches its namespace", async () => {
    const { kube } = op;
    assert.ok(op.controllerArgs.includes(`--namespace=${NS}`));
    const bindings = JSON.parse(await kube.kubectl(["get", "clusterrolebindings", "-o", "json"])).items as Obj[];
    assert.ok(!bindings.some((b) => b.subjects?.some((s: Obj) => s.name === "eso-external-secrets")));
  });

  it("syncs and pushes in its namespace with the scoped Role; another namespace is left alone", async () => {
    const { kube } = op;
    await kube.apply([
      fakeStore("fake", NS, [{ key: "k", value: "v" }]),
      fakeStore("fake", "team-b", [{ key: "k", value: "v" }]),
    ]);
    await kube.waitReady("secretstores", NS, "fake");
    await kube.apply([externalSecret("es", NS, spec), externalSecret("es", "team-b", spec)]);
    await eventually(async () => (await kube.secretData(NS, "es"))?.k === "v", {
      ...clusterPoll,
      what: "synced in the scoped namespace",
    });
    await kube.waitReady("externalsecrets", NS, "es");

    await kube.apply([
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "src", namespace: NS },
        data: { token: Buffer.from("t1").toString("base64") },
      },
      {
        apiVersion: "external-secrets.io/v1alpha1",
        kind: "PushSecret",
        metadata: { name: "push", namespace: NS },
        spec: {
          refreshInterval: "1h",
          deletionPolicy: "Delete",
          secretStoreRefs: [{ name: "fake", kind: "SecretStore" }],
          selector: { secret: { name: "src" } },
          data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "pushed" } } }],
        },
      },
    ]);
    await kube.waitReady("pushsecrets", NS, "push");
    const ps = await kube.get("pushsecrets", NS, "push");
    assert.ok(ps?.metadata.finalizers?.includes("pushsecret.externalsecrets.io/finalizer"));
    await kube.delete("pushsecrets", NS, "push");
    await eventually(async () => (await kube.get("pushsecrets", NS, "push")) === undefined, {
      ...clusterPoll,
      what: "PushSecret finalized",
    });

    // Real time (real cluster): a write outside the watched namespace would show by now.
    await sleep(2_000);
    assert.equal(await kube.get("secrets", "team-b", "es"), undefined);
    assert.equal((await kube.get("externalsecrets", "team-b", "es"))?.status, undefined);
    assert.equal((await kube.get("secretstores", "team-b", "fake"))?.status, undefined);
  });
});
