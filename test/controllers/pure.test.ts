import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExternalSecret } from "../../src/api/externalsecret.js";
import { setCondition } from "../../src/controllers/common/conditions.js";
import { resourceVersionOf, secretDataHash } from "../../src/controllers/common/hash.js";
import { selectorMatches } from "../../src/controllers/common/selector.js";
import { clusterStoreAllowsNamespace, storeMatchesClass } from "../../src/controllers/common/store-access.js";
import { storeUpdate } from "../../src/controllers/common/stores.js";
import { ANNOTATION_DATA_HASH, LABEL_MANAGED, LABEL_OWNER } from "../../src/controllers/externalsecret/constants.js";
import { DecodeError, decodeValue } from "../../src/controllers/externalsecret/decode.js";
import { fetchSecretData, type SourceResolver } from "../../src/controllers/externalsecret/fetch.js";
import { convertKeys, validateKeys } from "../../src/controllers/externalsecret/keys.js";
import { isSecretValid, requeueAfterMs, shouldRefresh } from "../../src/controllers/externalsecret/refresh.js";
import { rewriteMap } from "../../src/controllers/externalsecret/rewrite.js";
import {
  desiredSecret,
  SecretNotOwnedError,
  SecretOwnedError,
  secretNeedsWrite,
} from "../../src/controllers/externalsecret/secret.js";
import { applyTemplate, type TemplateSources } from "../../src/controllers/externalsecret/template.js";
import { NoSecretError } from "../../src/providers/errors.js";
import { fakeProvider } from "../../src/providers/fake/index.js";

const b = (s: string) => Buffer.from(s);
const text = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
/** A tiny stand-in renderer for {{ .key }} substitutions, enough to test the plumbing around templates. */
const render = (_name: string, tpl: string, data: Record<string, string>) =>
  tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, k: string) => {
    if (!(k in data)) throw new Error(`map has no entry for key "${k}"`);
    return data[k]!;
  });

function es(spec: Partial<ExternalSecret["spec"]> = {}, meta: Record<string, unknown> = {}): ExternalSecret {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "es", namespace: "ns", uid: "uid-1", generation: 1, ...meta },
    spec: { secretStoreRef: { name: "store" }, ...spec },
  };
}

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

describe("decoding and keys", () => {
  it("decodes as Go's base64 does", () => {
    assert.equal(decodeValue("Base64", b("aGVsbG8=")).toString(), "hello");
    assert.throws(() => decodeValue("Base64", b("aGVsbG8")), DecodeError);
    assert.equal(decodeValue("Base64URL", b("_-8=")).toString("hex"), "ffef");
    assert.equal(decodeValue("Auto", b("not base64!")).toString(), "not base64!");
    assert.equal(decodeValue("Auto", b("aGk=")).toString(), "hi");
    assert.equal(decodeValue("None", b("aGk=")).toString(), "aGk=");
  });
  it("converts and validates keys", () => {
    assert.deepEqual(Object.keys(convertKeys("Default", { "a/b c": b("") })), ["a_b_c"]);
    assert.deepEqual(Object.keys(convertKeys("Unicode", { "a/b": b("") })), ["a_U002f_b"]);
    assert.throws(() => convertKeys("Default", { "a/b": b(""), "a b": b("") }), /collision/);
    assert.deepEqual(Object.keys(validateKeys({ "": b(""), ok: b("") })), ["ok"]);
    assert.throws(() => validateKeys({ "a/b": b("") }), /invalid character/);
  });
});

describe("rewrite", () => {
  it("regexp uses Go replacement syntax", async () => {
    const out = await rewriteMap(
      [{ regexp: { source: "^db-(?P<rest>.*)$", target: "app_$" + "{rest}_$1x" } }],
      { "db-pw": b("v") },
      render,
    );
    assert.deepEqual(text(out), { app_pw_: "v" });
  });
  it("transform renders the key", async () => {
    assert.deepEqual(text(await rewriteMap([{ transform: { template: "p-{{ .value }}" } }], { k: b("v") }, render)), {
      "p-k": "v",
    });
  });
  it("merge extracts JSON objects, priority last, conflicts error unless ignored", async () => {
    const input = { a: b('{"x":"1","n":2}'), b: b('{"x":"2","o":{"k":true}}') };
    await assert.rejects(() => rewriteMap([{ merge: {} }], input, render), /conflicts: x/);
    const out = await rewriteMap([{ merge: { conflictPolicy: "Ignore", priority: ["a"] } }], input, render);
    assert.deepEqual(text(out), { x: "1", n: "2", o: '{"k":true}' });
    const json = await rewriteMap(
      [{ merge: { conflictPolicy: "Ignore", strategy: "JSON", into: "all" } }],
      input,
      render,
    );
    assert.equal(json.all!.toString(), '{"n":2,"o":{"k":true},"x":"2"}');
  });
});

describe("refresh rules", () => {
  const now = Date.parse("2026-01-01T00:10:00Z");
  it("periodic refresh waits for the interval", () => {
    const e = es({ refreshInterval: "1h" });
    assert.equal(shouldRefresh(e, 3600_000, now), true);
    e.status = { refreshTime: "2026-01-01T00:00:00Z", syncedResourceVersion: resourceVersionOf(e.metadata!) };
    assert.equal(shouldRefresh(e, 3600_000, now), false);
    assert.equal(shouldRefresh(e, 300_000, now), true);
    e.metadata!.annotations = { "force-sync": "1" };
    assert.equal(shouldRefresh(e, 3600_000, now), true);
    assert.equal(requeueAfterMs(es({}), 3600_000, now), 3600_000);
  });
  it("CreatedOnce and OnChange", () => {
    const e = es({ refreshPolicy: "CreatedOnce" });
    e.status = { refreshTime: "2026-01-01T00:00:00Z", syncedResourceVersion: "old" };
    assert.equal(shouldRefresh(e, 1000, now), false);
    e.spec.refreshPolicy = "OnChange";
    assert.equal(shouldRefresh(e, 1000, now), true);
    e.status.syncedResourceVersion = resourceVersionOf(e.metadata!);
    assert.equal(shouldRefresh(e, 1000, now), false);
    assert.equal(requeueAfterMs(e, 1000, now), undefined);
  });
  it("jitter adds at most the given fraction", () => {
    const e = es({});
    e.status = { refreshTime: new Date(now).toISOString() };
    assert.equal(
      requeueAfterMs(e, 1000, now, 0.1, () => 0.999),
      1099,
    );
  });
});

describe("desired Secret", () => {
  const out = { data: { k: b("v") }, labels: {}, annotations: {} };
  it("Owner sets controller reference, labels and hash", () => {
    const s = desiredSecret(es(), undefined, out);
    assert.equal(s.metadata.name, "es");
    assert.equal(s.data?.k, b("v").toString("base64"));
    assert.equal(s.metadata.labels?.[LABEL_MANAGED], "true");
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

describe("templates", () => {
  const sources: TemplateSources = {
    configMap: async (name) => (name === "cm" ? { tpl: "host={{ .host }}", kv: "a: {{ .host }}\nb: two" } : undefined),
    secret: async () => undefined,
  };
  it("renders data, templateFrom and metadata; Merge keeps provider data", async () => {
    const out = await applyTemplate(
      {
        mergePolicy: "Merge",
        metadata: { labels: { app: "{{ .host }}" } },
        data: { url: "https://{{ .host }}" },
        templateFrom: [
          { configMap: { name: "cm", items: [{ key: "tpl" }, { key: "kv", templateAs: "KeysAndValues" }] } },
          { literal: "lit: {{ .host }}", target: "Annotations" },
        ],
      },
      { host: b("example.com") },
      {},
      sources,
      render,
    );
    assert.deepEqual(text(out.data), {
      host: "example.com",
      tpl: "host=example.com",
      a: "example.com",
      b: "two",
      url: "https://example.com",
    });
    assert.deepEqual(out.labels, { app: "example.com" });
    assert.deepEqual(out.annotations, { lit: "example.com" });
  });
  it("without a template copies data and the ExternalSecret's metadata", async () => {
    const out = await applyTemplate(undefined, { k: b("v") }, { labels: { team: "a" } }, sources, render);
    assert.deepEqual(text(out.data), { k: "v" });
    assert.deepEqual(out.labels, { team: "a" });
  });
  it("errors name the template, not values", async () => {
    await assert.rejects(
      applyTemplate({ data: { x: "{{ .missing }}" } }, { secret: b("s3cr3t") }, {}, sources, render),
      (err: Error) => !err.message.includes("s3cr3t"),
    );
  });
});

describe("fetch plan", () => {
  async function sources(): Promise<SourceResolver> {
    const client = await fakeProvider.newClient(
      {
        data: [
          { key: "json", value: '{"user":"u","pass":"p"}' },
          { key: "b64", value: "aGk=" },
          { key: "app/one", value: "1" },
        ],
      },
      { kube: {} as never, storeKind: "SecretStore", storeName: "fetch-plan", namespace: "ns" },
    );
    return { client: async () => client, generate: async () => ({ gen: b("g") }) };
  }
  it("merges dataFrom then data, with decoding and conversion", async () => {
    const r = await fetchSecretData(
      es({
        dataFrom: [
          { extract: { key: "json" } },
          { find: { name: { regexp: "^app/" } } },
          { sourceRef: { generatorRef: { kind: "Password", name: "p" } } },
        ],
        data: [{ secretKey: "hi", remoteRef: { key: "b64", decodingStrategy: "Base64" } }],
      }),
      await sources(),
      render,
    );
    assert.deepEqual(text(r.data), { user: "u", pass: "p", app_one: "1", gen: "g", hi: "hi" });
  });
  it("missing remote secrets: error under Retain, skipped under Delete", async () => {
    const spec = { data: [{ secretKey: "k", remoteRef: { key: "absent" } }] };
    await assert.rejects(fetchSecretData(es(spec), await sources(), render), /key: absent/);
    const r = await fetchSecretData(es({ ...spec, target: { deletionPolicy: "Delete" } }), await sources(), render);
    assert.deepEqual(r.data, {});
    assert.equal(r.missing.length, 1);
    assert.ok(NoSecretError);
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

describe("Go regexp replacement semantics", () => {
  it("skips an empty match right after a match, as ReplaceAllString", async () => {
    const out = await rewriteMap([{ regexp: { source: "(.*)", target: "p-$1" } }], { a: b("v") }, render);
    assert.deepEqual(Object.keys(out), ["p-a"]);
    const star = await rewriteMap([{ regexp: { source: "x*", target: "-" } }], { abc: b("v") }, render);
    assert.deepEqual(Object.keys(star), ["-a-b-c-"]);
  });
});
