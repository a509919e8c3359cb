import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setCondition } from "../../../src/controllers/common/conditions.js";
import { resourceVersionOf, secretDataHash } from "../../../src/controllers/common/hash.js";
import { selectorMatches } from "../../../src/controllers/common/selector.js";
import { clusterStoreAllowsNamespace, storeMatchesClass } from "../../../src/controllers/common/store-access.js";
import { storeUpdate } from "../../../src/controllers/common/stores.js";
import { b } from "../externalsecret/fixtures.js";

describe("hashes", () => {
  it("data hash is stable and order independent", () => {
    assert.equal(secretDataHash({ a: b("1"), b: b("2") }), secretDataHash({ b: b("2"), a: b("1") }));
    assert.notEqual(secretDataHash({ a: b("1") }), secretDataHash({ a: b("2") }));
    assert.equal(secretDataHash({}).length, 56);
  });
  it("resource version changes with generation, labels and annotations", () => {
    const base = resourceVersionOf({ generation: 1, annotations: { a: "1" } });
    assert.notEqual(base, resourceVersionOf({ generation: 2, annotations: { a: "1" } }));
    assert.notEqual(base, resourceVersionOf({ generation: 1, annotations: { a: "2" } }));
    assert.equal(
      base,
      resourceVersionOf({
        generation: 1,
        annotations: { a: "1", "kubectl.kubernetes.io/last-applied-configuration": "{}" },
      }),
    );
  });
});

describe("stores and conditions", () => {
  it("a store update forces its users to sync when it changed or broke, and only re-queues them when it recovered", () => {
    const st = (generation: number, status?: string, reason = "x") =>
      ({
        metadata: { name: "s", generation },
        spec: { provider: {} },
        status: status ? { conditions: [{ type: "Ready", status, reason }] } : {},
      }) as never;
    assert.equal(storeUpdate(st(1, "True"), st(2, "True")), "force", "spec changed");
    assert.equal(storeUpdate(st(1, "True"), st(1, "False")), "force", "became unready");
    assert.equal(storeUpdate(st(1), st(1, "True")), "requeue", "first validation");
    assert.equal(storeUpdate(st(1, "False"), st(1, "True")), "requeue", "recovered");
    assert.equal(storeUpdate(st(1, "True"), st(1, "True")), undefined, "nothing changed");
    assert.equal(storeUpdate(st(1, "False", "a"), st(1, "False", "b")), "force", "failing for another reason");
  });

  it("controller class and ClusterSecretStore conditions", () => {
    const store = { spec: { provider: {}, controller: "a" } } as never;
    assert.equal(storeMatchesClass(store, "a"), true);
    assert.equal(storeMatchesClass(store, "b"), false);
    const css = {
      spec: {
        provider: {},
        conditions: [
          { namespaces: ["team-a"] },
          { namespaceRegexes: ["^dev-"] },
          { namespaceSelector: { matchLabels: { env: "prod" } } },
        ],
      },
    } as never;
    assert.equal(clusterStoreAllowsNamespace(css, "team-a", {}), true);
    assert.equal(clusterStoreAllowsNamespace(css, "dev-x", {}), true);
    assert.equal(clusterStoreAllowsNamespace(css, "other", { env: "prod" }), true);
    assert.equal(clusterStoreAllowsNamespace(css, "other", {}), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["x"] }] }, {}), true);
  });
  it("lastTransitionTime moves only when status flips", () => {
    const t1 = new Date("2026-01-01T00:00:00Z");
    const t2 = new Date("2026-01-01T01:00:00Z");
    const c1 = setCondition(undefined, { type: "Ready", status: "True", reason: "A" }, t1);
    const c2 = setCondition(c1, { type: "Ready", status: "True", reason: "B" }, t2);
    assert.equal(c2[0]?.lastTransitionTime, "2026-01-01T00:00:00Z");
    const c3 = setCondition(c2, { type: "Ready", status: "False", reason: "C" }, t2);
    assert.equal(c3[0]?.lastTransitionTime, "2026-01-01T01:00:00Z");
  });
});
