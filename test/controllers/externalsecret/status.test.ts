import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExternalSecret } from "../../../src/api/externalsecret.js";
import { resourceVersionOf } from "../../../src/controllers/common/hash.js";
import { nextStatus } from "../../../src/controllers/externalsecret/pipeline/status.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const T1 = Date.parse("2026-01-01T01:00:00Z");

function es(): ExternalSecret {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "es", namespace: "ns", generation: 3 },
    spec: { secretStoreRef: { name: "store" } },
  };
}

const ready = (e: ExternalSecret) => e.status?.conditions?.find((c) => c.type === "Ready");

describe("status: from the sync's outcome", () => {
  it("a sync records Ready=True, the refresh time, the synced version and the Secret's name", () => {
    const e = es();
    const status = nextStatus(
      e,
      { kind: "synced", reason: "SecretSynced", message: "secret synced", binding: "s" },
      T0,
    );
    assert.deepEqual(status.binding, { name: "s" });
    assert.equal(status.refreshTime, "2026-01-01T00:00:00Z");
    assert.equal(status.syncedResourceVersion, resourceVersionOf(e.metadata!));
    assert.deepEqual(ready({ ...e, status }), {
      type: "Ready",
      status: "True",
      reason: "SecretSynced",
      message: "secret synced",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    });
    assert.equal(e.status, undefined, "the ExternalSecret itself is not touched");
  });

  it("a failure changes only the condition: the last refresh time and binding stay", () => {
    const e = es();
    e.status = nextStatus(e, { kind: "synced", reason: "SecretSynced", message: "secret synced", binding: "s" }, T0);
    const failed = nextStatus(e, { kind: "failed", message: "could not get secret data from provider: boom" }, T1);
    assert.equal(failed.refreshTime, "2026-01-01T00:00:00Z");
    assert.deepEqual(failed.binding, { name: "s" });
    assert.equal(ready({ ...e, status: failed })?.status, "False");
    assert.equal(ready({ ...e, status: failed })?.reason, "SecretSyncedError");
    assert.equal(ready({ ...e, status: failed })?.lastTransitionTime, "2026-01-01T01:00:00Z");
  });

  it("a repeated outcome gives the same status, so nothing is written", () => {
    const e = es();
    e.status = nextStatus(e, { kind: "waiting", message: "waiting for it to exist" }, T0);
    assert.deepEqual(nextStatus(e, { kind: "waiting", message: "waiting for it to exist" }, T1), e.status);
    assert.equal(ready(e)?.reason, "SecretMissing");
  });
});
