import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secretDataHash } from "../../../src/controllers/common/hash.js";
import { ANNOTATION_DATA_HASH, LABEL_OWNER } from "../../../src/controllers/externalsecret/constants.js";
import { secretNeedsWrite } from "../../../src/controllers/externalsecret/pipeline/apply.js";
import {
  desiredSecret,
  SecretNotOwnedError,
  SecretOwnedError,
} from "../../../src/controllers/externalsecret/pipeline/desired.js";
import { isSecretValid } from "../../../src/controllers/externalsecret/pipeline/plan.js";
import { MANAGED_LABEL } from "../../../src/kube/index.js";
import { b, es } from "./fixtures.js";

describe("desired Secret", () => {
  const out = { data: { k: b("v") }, labels: {}, annotations: {} };
  it("Owner sets controller reference, labels and hash", () => {
    const s = desiredSecret(es(), undefined, out);
    assert.equal(s.metadata.name, "es");
    assert.equal(s.data?.k, b("v").toString("base64"));
    assert.equal(s.metadata.labels?.[MANAGED_LABEL], "true");
    assert.ok(s.metadata.labels?.[LABEL_OWNER]);
    assert.equal(s.metadata.ownerReferences?.[0]?.uid, "uid-1");
    assert.equal(s.metadata.annotations?.[ANNOTATION_DATA_HASH], secretDataHash({ k: b("v") }));
    const live = { ...s, metadata: { ...s.metadata, uid: "s-uid" } };
    assert.equal(isSecretValid(live, "Owner"), true);
    assert.equal(secretNeedsWrite(live, desiredSecret(es(), live, out)), false);
    const tampered = { ...live, data: { k: b("x").toString("base64") } };
    assert.equal(isSecretValid(tampered, "Owner"), false);
    assert.equal(secretNeedsWrite(tampered, desiredSecret(es(), tampered, out)), true);
  });
  it("Owner refuses a foreign Secret; another ExternalSecret's Secret is refused for every policy", () => {
    const foreign = { metadata: { name: "es", namespace: "ns", uid: "x" }, data: {} };
    assert.throws(() => desiredSecret(es(), foreign, out), SecretNotOwnedError);
    assert.ok(desiredSecret(es({ target: { creationPolicy: "Orphan" } }), foreign, out));
    const other = {
      metadata: {
        name: "es",
        uid: "x",
        ownerReferences: [
          { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "other", uid: "u", controller: true },
        ],
      },
    };
    assert.throws(() => desiredSecret(es({ target: { creationPolicy: "Merge" } }), other, out), SecretOwnedError);
  });
  it("Merge keeps foreign keys and drops keys it wrote before", () => {
    const e = es({ target: { creationPolicy: "Merge" } });
    const live = { metadata: { name: "es", uid: "x" }, data: { mine: b("1").toString("base64"), theirs: "dA==" } };
    const first = desiredSecret(e, live, { data: { mine: b("2") }, labels: {}, annotations: {} });
    assert.deepEqual(Object.keys(first.data ?? {}).sort(), ["mine", "theirs"]);
    assert.equal(first.metadata.ownerReferences, undefined);
    const second = desiredSecret(e, first, { data: { other: b("3") }, labels: {}, annotations: {} });
    assert.deepEqual(Object.keys(second.data ?? {}).sort(), ["other", "theirs"]);
  });
});
