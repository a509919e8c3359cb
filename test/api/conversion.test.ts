import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ANNOTATION_V1_FIELDS, ConversionError, convert } from "../../src/api/conversion.js";
import type { ExternalSecret } from "../../src/api/index.js";
import { validationErrors } from "../../src/api/validation.js";
import type { FindRef, RemoteRef } from "../../src/providers/provider.js";

const V1 = "external-secrets.io/v1";
const V1BETA1 = "external-secrets.io/v1beta1";

test("ExternalSecret v1beta1 -> v1 -> v1beta1 is lossless, and the input is not modified", () => {
  const beta = {
    apiVersion: V1BETA1,
    kind: "ExternalSecret",
    metadata: { name: "a", namespace: "n", annotations: { keep: "me" } },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { name: "s", kind: "SecretStore" },
      target: { name: "t", template: { engineVersion: "v2", data: { k: "{{ .v }}" } } },
      data: [{ secretKey: "v", remoteRef: { key: "k" } }],
      dataFrom: [{ find: { name: { regexp: "^a" } }, rewrite: [{ regexp: { source: "^a", target: "b" } }] }],
    },
  };
  const before = structuredClone(beta);
  const v1 = convert(beta, V1);
  assert.equal(v1.apiVersion, V1);
  assert.deepEqual(beta, before);
  assert.deepEqual(convert(v1, V1BETA1), beta);
});

test("v1-only rewrite.merge survives a trip through v1beta1", () => {
  const v1 = {
    apiVersion: V1,
    kind: "ClusterExternalSecret",
    metadata: { name: "c" },
    spec: {
      externalSecretSpec: {
        dataFrom: [
          {
            find: { path: "p" },
            rewrite: [{ regexp: { source: "a", target: "b" } }, { merge: { into: "all", strategy: "JSON" } }],
          },
          { find: { path: "q" }, rewrite: [{ merge: { conflictPolicy: "Ignore" } }] },
        ],
      },
    },
  };
  const beta = convert(v1, V1BETA1) as any;
  assert.deepEqual(beta.spec.externalSecretSpec.dataFrom[0].rewrite, [{ regexp: { source: "a", target: "b" } }]);
  assert.equal(beta.spec.externalSecretSpec.dataFrom[1].rewrite, undefined);
  assert.ok(beta.metadata.annotations[ANNOTATION_V1_FIELDS]);
  assert.deepEqual(validationErrors(beta), []);
  assert.deepEqual(convert(beta, V1), v1);
});

test("fake provider: v1beta1 valueMap becomes a JSON value in v1 and comes back", () => {
  const beta = {
    apiVersion: V1BETA1,
    kind: "SecretStore",
    metadata: { name: "f", namespace: "n" },
    spec: {
      provider: {
        fake: {
          data: [
            { key: "m", valueMap: { a: "1" } },
            { key: "s", value: "x" },
          ],
        },
      },
    },
  };
  const v1 = convert(beta, V1) as any;
  assert.deepEqual(v1.spec.provider.fake.data[0], { key: "m", value: '{"a":"1"}' });
  assert.deepEqual(validationErrors(v1), []);
  assert.deepEqual(convert(v1, V1BETA1), beta);

  const withResult = { ...v1, metadata: { name: "f", namespace: "n" } };
  withResult.spec = { provider: { fake: { data: [], validationResult: 2 } } };
  const back = convert(withResult, V1BETA1) as any;
  assert.equal(back.spec.provider.fake.validationResult, undefined);
  assert.deepEqual(validationErrors(back), []);
  assert.deepEqual(convert(back, V1), withResult);
});

test("round trip holds for arbitrary ExternalSecret specs", () => {
  const plain = { noNullPrototype: true } as const;
  const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  const rewrite = fc.oneof(
    fc.record({ regexp: fc.record({ source: key, target: key }, plain) }, plain),
    fc.record({ transform: fc.record({ template: key }, plain) }, plain),
    fc.record({ merge: fc.record({ into: key }, { requiredKeys: [], ...plain }) }, plain),
  );
  const entry = fc.record(
    { extract: fc.record({ key }, plain), rewrite: fc.array(rewrite, { maxLength: 3 }) },
    { requiredKeys: ["extract"], ...plain },
  );
  fc.assert(
    fc.property(
      fc.array(entry, { maxLength: 4 }),
      fc.dictionary(key, key, { maxKeys: 2, noNullPrototype: true }),
      (dataFrom, annotations) => {
        const v1 = {
          apiVersion: V1,
          kind: "ExternalSecret",
          metadata: { name: "x", ...(Object.keys(annotations).length ? { annotations } : {}) },
          spec: { dataFrom },
        };
        assert.deepEqual(convert(convert(v1, V1BETA1), V1), v1);
      },
    ),
    { numRuns: 100 },
  );
});

test("conversion refuses kinds and versions it does not know", () => {
  assert.throws(() => convert({ apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret" }, V1), ConversionError);
  assert.throws(() => convert({ apiVersion: "example.com/v1", kind: "ExternalSecret" }, V1), ConversionError);
  assert.throws(() => convert({ apiVersion: V1, kind: "ExternalSecret" }, "external-secrets.io/v2"), ConversionError);
});

test("API types are structurally compatible with the provider contract", () => {
  const es: ExternalSecret = {
    spec: {
      data: [{ secretKey: "a", remoteRef: { key: "k", decodingStrategy: "Base64" } }],
      dataFrom: [{ find: { name: { regexp: "^a" }, tags: { t: "v" } } }],
    },
  };
  const ref: RemoteRef = es.spec.data![0]!.remoteRef;
  const find: FindRef = es.spec.dataFrom![0]!.find!;
  assert.equal(ref.key, "k");
  assert.equal(find.name?.regexp, "^a");
});
