/** Reloader's decision rules for Secrets, and what the workload cache keeps of a workload. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rollReason } from "../../../src/controllers/rollouts/match.js";
import { summarizeWorkload, type WorkloadSummary } from "../../../src/controllers/rollouts/workloads.js";
import type { Stored } from "../../../src/kube/index.js";

function wl(
  annotations: Record<string, string> | undefined,
  secrets: string[],
  podAnnotations?: Record<string, string>,
) {
  return { metadata: { name: "w", namespace: "n", annotations }, secrets, podAnnotations } as WorkloadSummary;
}

describe("rollReason (Reloader's rules for Secrets)", () => {
  it("auto and secret-only auto roll for referenced Secrets only", () => {
    assert.equal(rollReason(wl({ "reloader.stakater.com/auto": "true" }, ["a"]), { name: "a" }), "auto");
    assert.equal(rollReason(wl({ "secret.reloader.stakater.com/auto": "true" }, ["a"]), { name: "a" }), "auto");
    assert.equal(rollReason(wl({ "reloader.stakater.com/auto": "true" }, ["a"]), { name: "b" }), undefined);
    assert.equal(rollReason(wl({ "reloader.stakater.com/auto": "false" }, ["a"]), { name: "a" }), undefined);
  });

  it("named Secrets: comma-separated anchored expressions, no reference needed, equality when one does not compile", () => {
    const w = wl({ "secret.reloader.stakater.com/reload": "db-.*, api ,(bad" }, []);
    assert.equal(rollReason(w, { name: "db-main" }), "named");
    assert.equal(rollReason(w, { name: "api" }), "named");
    assert.equal(rollReason(w, { name: "api-2" }), undefined);
    assert.equal(rollReason(w, { name: "xdb-main" }), undefined);
    assert.equal(rollReason(w, { name: "(bad" }), "named");
  });

  it("search rolls for referenced Secrets marked match only", () => {
    const w = wl({ "reloader.stakater.com/search": "true" }, ["a", "b"]);
    assert.equal(rollReason(w, { name: "a", annotations: { "reloader.stakater.com/match": "true" } }), "search");
    assert.equal(rollReason(w, { name: "b" }), undefined);
    assert.equal(rollReason(w, { name: "c", annotations: { "reloader.stakater.com/match": "true" } }), undefined);
  });

  it("the Secret's ignore and the workload's exclude list win", () => {
    const w = wl({ "reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "x, y" }, [
      "a",
      "y",
    ]);
    assert.equal(rollReason(w, { name: "a", annotations: { "reloader.stakater.com/ignore": "true" } }), undefined);
    assert.equal(rollReason(w, { name: "y" }), undefined);
    assert.equal(rollReason(w, { name: "a" }), "auto");
  });

  it("reads the pod template's annotations only when the workload has none of Reloader's", () => {
    const pod = { "reloader.stakater.com/auto": "true" };
    assert.equal(rollReason(wl(undefined, ["a"], pod), { name: "a" }), "auto");
    const own = { "secret.reloader.stakater.com/reload": "other" };
    assert.equal(rollReason(wl(own, ["a"], pod), { name: "a" }), undefined);
  });
});

describe("summarizeWorkload", () => {
  it("keeps identity, Reloader's annotations, referenced Secret names and the last rollout; drops the rest", () => {
    const big = "x".repeat(50_000);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "app",
        uid: "u1",
        resourceVersion: "7",
        labels: { app: "web" },
        annotations: {
          "reloader.stakater.com/auto": "true",
          "kubectl.kubernetes.io/last-applied-configuration": big,
        },
      },
      spec: {
        template: {
          metadata: {
            annotations: {
              "secret.reloader.stakater.com/reload": "p",
              "reloader.stakater.com/last-reloaded-from": JSON.stringify({ name: "env", hash: "h1", kind: "Secret" }),
              "prometheus.io/scrape": "true",
            },
          },
          spec: {
            imagePullSecrets: [{ name: "pull" }],
            volumes: [
              { name: "v", secret: { secretName: "vol" } },
              { name: "p", projected: { sources: [{ secret: { name: "proj" } }, { configMap: { name: "cm" } }] } },
              { name: "c", configMap: { name: "cm2" } },
            ],
            initContainers: [{ name: "i", envFrom: [{ secretRef: { name: "init-from" } }] }],
            containers: [
              {
                name: "a",
                image: big,
                env: [
                  { name: "E", valueFrom: { secretKeyRef: { name: "env", key: "k" } } },
                  { name: "F", value: "1" },
                ],
                envFrom: [{ secretRef: { name: "from" } }, { configMapRef: { name: "cm3" } }],
              },
            ],
          },
        },
      },
    } as unknown as Stored;
    const s = summarizeWorkload(deployment) as unknown as WorkloadSummary;
    assert.deepEqual(s.secrets, ["env", "from", "init-from", "proj", "pull", "vol"]);
    assert.deepEqual(s.metadata, {
      name: "web",
      namespace: "app",
      uid: "u1",
      resourceVersion: "7",
      annotations: { "reloader.stakater.com/auto": "true" },
    });
    assert.deepEqual(s.podAnnotations, { "secret.reloader.stakater.com/reload": "p" });
    assert.deepEqual(s.lastRollout, { name: "env", hash: "h1" });
    assert.equal(s.kind, "Deployment");
    assert.ok(JSON.stringify(s).length < 1_000, "the summary holds no pod template");
  });
});
