import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANNOTATION_MANAGED_KEYS, LABEL_OWNER } from "../../../src/controllers/externalsecret/constants.js";
import { secretNeedsWrite } from "../../../src/controllers/externalsecret/pipeline/apply.js";
import {
  desiredSecret,
  SecretNotOwnedError,
  SecretOwnedError,
} from "../../../src/controllers/externalsecret/pipeline/desired.js";
import {
  desiredTarget,
  isTargetValid,
  manifestOf,
  type TargetObject,
  targetIndexKey,
  targetNeedsWrite,
} from "../../../src/controllers/externalsecret/pipeline/generic-target.js";
import { targetAction } from "../../../src/controllers/externalsecret/pipeline/plan.js";
import { MANAGED_LABEL } from "../../../src/kube/index.js";
import { b, es } from "./fixtures.js";

const CM = { apiVersion: "v1", kind: "ConfigMap" };
const WIDGET = { apiVersion: "example.com/v1", kind: "Widget" };
const out = (data: Record<string, string>, labels = {}, annotations = {}) => ({
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b(v)])),
  labels,
  annotations,
});
const stored = (o: TargetObject): TargetObject => ({ ...o, metadata: { ...o.metadata, uid: "live-uid" } });

describe("generic target: which targets are generic", () => {
  it("a manifest other than a v1 Secret is generic; none or a v1 Secret is the Secret path", () => {
    assert.deepEqual(manifestOf(es({ target: { manifest: CM } })), CM);
    assert.equal(manifestOf(es({ target: { manifest: { apiVersion: "v1", kind: "Secret" } } })), undefined);
    assert.equal(manifestOf(es()), undefined);
  });

  it("indexes a generic target by group, kind and name, apart from a Secret of the same name", () => {
    assert.equal(targetIndexKey(es()), "ns/es");
    assert.equal(targetIndexKey(es({ target: { manifest: CM } })), "|ConfigMap|ns/es");
    assert.equal(targetIndexKey(es({ target: { name: "w", manifest: WIDGET } })), "example.com|Widget|ns/w");
  });
});

describe("generic target: the desired object", () => {
  it("ConfigMap: data as strings, managed label, controller reference for Owner", () => {
    const cm = desiredTarget(es({ target: { manifest: CM } }), undefined, out({ url: "https://x", n: "1" }));
    assert.equal(cm.apiVersion, "v1");
    assert.equal(cm.kind, "ConfigMap");
    assert.deepEqual(cm.data, { n: "1", url: "https://x" });
    assert.equal(cm.spec, undefined);
    assert.equal(cm.metadata.labels?.[MANAGED_LABEL], "true");
    assert.ok(cm.metadata.labels?.[LABEL_OWNER]);
    assert.equal(cm.metadata.ownerReferences?.[0]?.kind, "ExternalSecret");
  });

  it("another kind: spec.data without a template, top-level data with one (as upstream)", () => {
    const plain = desiredTarget(es({ target: { manifest: WIDGET } }), undefined, out({ k: "v" }));
    assert.deepEqual(plain.spec, { data: { k: "v" } });
    assert.equal(plain.data, undefined);
    const templated = desiredTarget(
      es({ target: { manifest: WIDGET, template: { data: { k: "{{ .k }}" } } } }),
      undefined,
      out({ k: "v" }),
    );
    assert.deepEqual(templated.data, { k: "v" });
  });

  it("keeps the live object's other spec fields when writing spec.data", () => {
    const live = stored({
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "es", namespace: "ns" },
      spec: { size: 3, data: { old: "x" } },
    });
    const w = desiredTarget(es({ target: { manifest: WIDGET, creationPolicy: "Orphan" } }), live, out({ k: "v" }));
    assert.deepEqual(w.spec, { size: 3, data: { k: "v" } });
  });

  it("Merge and CreateOrMerge keep others' keys and drop only keys they wrote before", () => {
    for (const creationPolicy of ["Merge", "CreateOrMerge"] as const) {
      const e = es({ target: { manifest: CM, creationPolicy } });
      const live = stored({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "es" }, data: { theirs: "t" } });
      const first = desiredTarget(e, live, out({ a: "1", b: "2" }));
      assert.deepEqual(first.data, { theirs: "t", a: "1", b: "2" });
      assert.equal(first.metadata.annotations?.[ANNOTATION_MANAGED_KEYS], "a,b");
      assert.equal(first.metadata.ownerReferences, undefined);
      const second = desiredTarget(e, stored(first), out({ a: "1" }));
      assert.deepEqual(second.data, { theirs: "t", a: "1" }, creationPolicy);
    }
  });

  it("refuses an object another ExternalSecret controls, and for Owner one it does not own", () => {
    const foreign = stored({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "es",
        ownerReferences: [
          { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "other", uid: "u", controller: true },
        ],
      },
    });
    assert.throws(() => desiredTarget(es({ target: { manifest: CM } }), foreign, out({})), SecretOwnedError);
    const unowned = stored({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "es" }, data: {} });
    assert.throws(() => desiredTarget(es({ target: { manifest: CM } }), unowned, out({})), SecretNotOwnedError);
  });

  it("labels, annotations and finalizers from the template; others' finalizers stay", () => {
    const e = es({
      target: { manifest: CM, creationPolicy: "Orphan", template: { metadata: { finalizers: ["a/f"] } } },
    });
    const live = stored({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "es", finalizers: ["other/f"] },
      data: {},
    });
    const cm = desiredTarget(e, live, out({ k: "v" }, { team: "x" }, { note: "n" }));
    assert.deepEqual(cm.metadata.finalizers, ["other/f", "a/f"]);
    assert.equal(cm.metadata.labels?.team, "x");
    assert.equal(cm.metadata.annotations?.note, "n");
  });
});

describe("generic target: drift and writes", () => {
  const e = es({ target: { manifest: CM } });
  const written = stored(desiredTarget(e, undefined, out({ k: "v" })));

  it("a written object is valid and needs no write; an edit of its data is drift", () => {
    assert.equal(isTargetValid(written, "Owner"), true);
    assert.equal(targetNeedsWrite(written, desiredTarget(e, written, out({ k: "v" }))), false);
    const edited = { ...written, data: { k: "edited" } };
    assert.equal(isTargetValid(edited, "Owner"), false);
    assert.equal(targetNeedsWrite(edited, desiredTarget(e, edited, out({ k: "v" }))), true);
  });

  it("a missing object is invalid except for creationPolicy None", () => {
    assert.equal(isTargetValid(undefined, "Owner"), false);
    assert.equal(isTargetValid(undefined, "None"), true);
  });
});

describe("CreateOrMerge and finalizers on Secrets", () => {
  it("CreateOrMerge writes a missing target (Merge waits for it)", () => {
    const com = es({ target: { creationPolicy: "CreateOrMerge" } });
    assert.equal(targetAction(com, true, false), "write");
    assert.equal(targetAction(es({ target: { creationPolicy: "Merge" } }), true, false), "await-target");
  });

  it("CreateOrMerge merges into an existing Secret without taking ownership", () => {
    const live = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "es", uid: "s" },
      data: { theirs: b("t").toString("base64") },
    };
    const s = desiredSecret(es({ target: { creationPolicy: "CreateOrMerge" } }), live, out({ a: "1" }));
    assert.deepEqual(Object.keys(s.data ?? {}).sort(), ["a", "theirs"]);
    assert.equal(s.metadata.ownerReferences, undefined);
    assert.equal(s.metadata.annotations?.[ANNOTATION_MANAGED_KEYS], "a");
  });

  it("template finalizers are set on the Secret, and a lost one is a change to write", () => {
    const e = es({ target: { template: { metadata: { finalizers: ["x/y"] } } } });
    const s = desiredSecret(e, undefined, out({ a: "1" }));
    assert.deepEqual(s.metadata.finalizers, ["x/y"]);
    const live = { ...s, metadata: { ...s.metadata, uid: "s", finalizers: [] } };
    assert.equal(secretNeedsWrite(live, desiredSecret(e, live, out({ a: "1" }))), true);
  });
});
