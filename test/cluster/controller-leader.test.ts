/**
 * Leader election with two `eso controller` replicas against the real API server (a coordination.k8s.io Lease in
 * the operator namespace, allowed by the chart's leader-election Role): one leads, and when it is killed the
 * standby takes the lease over and reconciles.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { OPERATOR_NAMESPACE } from "./support/cluster.js";
import { type EsoProcess, startController } from "./support/eso.js";
import { clusterPoll } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "le";
const LEASE = "external-secrets-controller";

const op = useOperator({
  // the chart's Deployment then passes --enable-leader-election and --leader-election-namespace
  chartValues: ["leaderElect=true"],
  setup: async (op) => {
    assert.ok(op.controllerArgs.includes("--enable-leader-election=true"));
    op.controllers.push(await startController(op.cluster, "controller-1", op.controllerKubeconfig, op.controllerArgs));
    await op.kube.createNamespace(NS);
    await op.kube.apply(fakeStore("fake", NS, [{ key: "k", value: "v" }]));
  },
});

/** The identity a replica logged when it acquired the lease, if it did. */
function acquiredAs(c: EsoProcess): string | undefined {
  for (const line of readFileSync(c.proc.log, "utf8").split("\n")) {
    if (!line.includes("acquired leader lease")) continue;
    try {
      return (JSON.parse(line) as { identity?: string }).identity;
    } catch {}
  }
  return undefined;
}

const spec = {
  refreshInterval: "1h",
  secretStoreRef: { name: "fake" },
  data: [{ secretKey: "k", remoteRef: { key: "k" } }],
};

describe("leader election with two replicas", () => {
  it("one replica leads; killing it hands the lease and the work to the other", async () => {
    const { kube } = op;
    const holder = await eventually(
      async () => (await kube.get("leases", OPERATOR_NAMESPACE, LEASE))?.spec.holderIdentity,
      { ...clusterPoll, what: "lease held" },
    );
    const leaders = op.controllers.filter((c) => acquiredAs(c) === holder);
    assert.equal(leaders.length, 1, "exactly one replica acquired the lease");
    const [leader] = leaders;
    const standby = op.controllers.find((c) => c !== leader)!;
    assert.equal(acquiredAs(standby), undefined);

    await kube.waitReady("secretstores", NS, "fake");
    await kube.apply(externalSecret("before", NS, spec));
    await eventually(async () => (await kube.secretData(NS, "before"))?.k === "v", {
      ...clusterPoll,
      what: "synced by the first leader",
    });

    leader!.kill(); // SIGKILL: no graceful release; the standby waits for the lease to expire
    await eventually(() => acquiredAs(standby), {
      ...clusterPoll,
      what: "standby acquired the lease",
      timeoutMs: 60_000,
    });
    const lease = await kube.get("leases", OPERATOR_NAMESPACE, LEASE);
    assert.equal(lease?.spec.holderIdentity, acquiredAs(standby));
    assert.notEqual(lease?.spec.holderIdentity, holder);
    assert.ok((lease?.spec.leaseTransitions ?? 0) >= 1);

    await kube.apply(externalSecret("after", NS, spec));
    await eventually(async () => (await kube.secretData(NS, "after"))?.k === "v", {
      ...clusterPoll,
      what: "synced by the new leader",
    });
  });
});
