/**
 * ExternalSecret behaviours end to end through the in-process API server and the running controllers:
 * templates (templateFrom ConfigMap / Secret / literal into Data, Annotations and Labels, templateAs),
 * refreshPolicy CreatedOnce / OnChange / Periodic, the force-sync annotation, immutable targets, drift
 * (event + metric), and the API calls a no-change refresh costs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIGMAPS, EVENTS, generatorResource } from "../../src/kube/index.js";
import { FakeClock } from "../../src/runtime/clock.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretManifest,
  secretWrites,
  useHarness,
} from "../support/world.js";

const NS = "feat";
const b64 = (s: string) => Buffer.from(s).toString("base64");

async function setup(h: Harness): Promise<void> {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("fake", NS, [
      { key: "user", value: "admin" },
      { key: "pass", value: "s3cret" },
      { key: "team", value: "payments" },
      { key: "rotating", value: "v1" },
    ]),
  );
}

const h = useHarness({}, setup);
// A second world whose controllers run on a manual clock: the refresh interval passes when the test says so.
const clock = new FakeClock(Date.now());
const timed = useHarness({ clock }, setup);

const data = (name: string, w = h) => secretData(w, NS, name);

async function setRemote(key: string, value: string, w = h): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const store = await w.client.get(SECRET_STORES, NS, "fake");
    const entry = store.spec.provider.fake.data.find((d: { key: string }) => d.key === key);
    entry.value = value;
    try {
      await w.client.update(SECRET_STORES, store);
      return;
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

async function annotate(name: string, annotations: Record<string, string>, w = h): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const es = await w.client.get(EXTERNAL_SECRETS, NS, name);
    es.metadata.annotations = { ...(es.metadata.annotations ?? {}), ...annotations };
    try {
      await w.client.update(EXTERNAL_SECRETS, es);
      return;
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves the manual clock past `n` refresh intervals of 1 s, waiting after each for `name`'s refresh. */
async function passIntervals(w: Harness, name: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const before = (await w.client.get(EXTERNAL_SECRETS, NS, name)).status.refreshTime;
    clock.advance(1_100);
    await eventually(async () => (await w.client.get(EXTERNAL_SECRETS, NS, name)).status.refreshTime !== before, {
      what: `${name}'s refresh after interval ${i}`,
    });
  }
}

describe("templates", () => {
  it("templateFrom ConfigMap, Secret and literal into Data, Annotations and Labels, with templateAs", async () => {
    await h.client.create(CONFIGMAPS, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "tpl", namespace: NS },
      data: {
        "config.yaml": "user: {{ .user }}\npassword: {{ .pass }}\n",
        pairs: "{{ range $k, $v := . }}{{ $k }}_copy: {{ $v | upper }}\n{{ end }}",
      },
    });
    await h.client.create(SECRETS, secretManifest(NS, "tpl-secret", { owner: "team-{{ .team }}" }));
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("templated", NS, {
        secretStoreRef: { name: "fake" },
        target: {
          template: {
            engineVersion: "v2",
            type: "kubernetes.io/basic-auth",
            metadata: { labels: { app: "web" }, annotations: { "note/static": "yes" } },
            data: { username: "{{ .user }}", password: "{{ .pass }}" },
            templateFrom: [
              { configMap: { name: "tpl", items: [{ key: "config.yaml" }] } },
              {
                target: "Data",
                configMap: { name: "tpl", items: [{ key: "pairs", templateAs: "KeysAndValues" }] },
              },
              { target: "Annotations", secret: { name: "tpl-secret", items: [{ key: "owner" }] } },
              { target: "Labels", literal: "team: {{ .team }}" },
            ],
          },
        },
        data: [
          { secretKey: "user", remoteRef: { key: "user" } },
          { secretKey: "pass", remoteRef: { key: "pass" } },
          { secretKey: "team", remoteRef: { key: "team" } },
        ],
      }),
    );
    await eventually(async () => (await data("templated")).username === "admin", {
      timeoutMs: 15_000,
      what: "templated secret",
    });
    const s = await h.client.get(SECRETS, NS, "templated");
    assert.equal(s.type, "kubernetes.io/basic-auth");
    assert.deepEqual(decoded(s), {
      username: "admin",
      password: "s3cret",
      "config.yaml": "user: admin\npassword: s3cret\n",
      pass_copy: "S3CRET",
      team_copy: "PAYMENTS",
      user_copy: "ADMIN",
    });
    assert.equal(s.metadata.labels.app, "web");
    assert.equal(s.metadata.labels.team, "payments");
    assert.equal(s.metadata.labels["reconcile.external-secrets.io/managed"], "true");
    assert.equal(s.metadata.annotations["note/static"], "yes");
    assert.equal(s.metadata.annotations.owner, "team-payments");

    // the template source changes: the next sync renders the new template
    const cm = await h.client.get(CONFIGMAPS, NS, "tpl");
    cm.data["config.yaml"] = "u={{ .user }}";
    await h.client.update(CONFIGMAPS, cm);
    await annotate("templated", { "force-sync": "1" });
    await eventually(async () => (await data("templated"))["config.yaml"] === "u=admin", {
      timeoutMs: 15_000,
      what: "re-rendered",
    });
  });

  it("a template error is a clear condition naming the template key, and the Secret is left alone", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("bad-template", NS, {
        secretStoreRef: { name: "fake" },
        target: { template: { data: { broken: "{{ .pass | nosuchfunc }}" } } },
        data: [{ secretKey: "pass", remoteRef: { key: "pass" } }],
      }),
    );
    const c = await eventually(async () => {
      const cond = await readyCondition(h, EXTERNAL_SECRETS, NS, "bad-template");
      return cond?.status === "False" ? cond : undefined;
    });
    assert.equal(c.reason, "SecretSyncedError");
    assert.match(c.message ?? "", /template/);
    assert.doesNotMatch(c.message ?? "", /s3cret/);
    assert.equal(await h.client.get(SECRETS, NS, "bad-template"), undefined);
  });
});

describe("sources and value handling", () => {
  it("sourceRef to another store and to a generator, versions, decodingStrategy, conversionStrategy", async () => {
    await createReadyStore(
      h,
      fakeStore("other", NS, [
        { key: "enc", value: b64("decoded-value") },
        { key: "multi", value: "old", version: "v1" },
        { key: "multi", value: "new", version: "v2" },
        { key: "odd", value: '{"a key/x":"x"}' },
      ]),
    );
    await h.client.create(generatorResource("Fake"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Fake",
      metadata: { name: "gen", namespace: NS },
      spec: { data: { generated: "from-generator" } },
    });
    const other = { storeRef: { name: "other", kind: "SecretStore" } };
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("sourced", NS, {
        secretStoreRef: { name: "fake" },
        data: [
          { secretKey: "default-store", remoteRef: { key: "user" } },
          { secretKey: "decoded", remoteRef: { key: "enc", decodingStrategy: "Base64" }, sourceRef: other },
          { secretKey: "pinned", remoteRef: { key: "multi", version: "v1" }, sourceRef: other },
        ],
        dataFrom: [
          {
            sourceRef: {
              generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Fake", name: "gen" },
            },
          },
          { extract: { key: "odd", conversionStrategy: "Unicode" }, sourceRef: other },
        ],
      }),
    );
    await eventually(
      async () => {
        if ((await data("sourced")).generated === "from-generator") return true;
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "sourced");
        if (c?.status === "False") throw new Error(c.message);
        return false;
      },
      { timeoutMs: 15_000, what: "sourced synced" },
    );
    assert.deepEqual(await data("sourced"), {
      "default-store": "admin",
      decoded: "decoded-value",
      pinned: "old",
      generated: "from-generator",
      a_U0020_key_U002f_x: "x",
    });
  });

  it("errors are Warning events on the ExternalSecret, and the store reports its capabilities", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("missing-key", NS, {
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "v", remoteRef: { key: "no-such-key" } }],
      }),
    );
    const events = await eventually(async () => {
      const list = await h.client.list(EVENTS, NS);
      const found = list.filter((e: any) => e.involvedObject?.name === "missing-key" && e.type === "Warning");
      return found.length > 0 ? found : undefined;
    });
    assert.equal(events[0].reason, "UpdateFailed");
    assert.match(events[0].message, /no-such-key/);
    const store = await h.client.get(SECRET_STORES, NS, "fake");
    assert.equal(store.status.capabilities, "ReadWrite");
  });
});

describe("refreshPolicy and force-sync", () => {
  it("CreatedOnce syncs once; OnChange syncs on spec/metadata changes; Periodic follows the interval", async () => {
    const w = timed;
    const spec = (refreshPolicy: string) => ({
      refreshInterval: "1s",
      refreshPolicy,
      secretStoreRef: { name: "fake" },
      data: [{ secretKey: "v", remoteRef: { key: "rotating" } }],
    });
    await w.client.create(EXTERNAL_SECRETS, externalSecret("once", NS, spec("CreatedOnce")));
    await w.client.create(EXTERNAL_SECRETS, externalSecret("onchange", NS, spec("OnChange")));
    await w.client.create(EXTERNAL_SECRETS, externalSecret("periodic", NS, spec("Periodic")));
    for (const n of ["once", "onchange", "periodic"]) {
      await eventually(async () => (await data(n, w)).v === "v1", { timeoutMs: 15_000, what: `${n} synced` });
    }
    await setRemote("rotating", "v2", w);
    await eventually(async () => (await data("periodic", w)).v === "v2", {
      timeoutMs: 15_000,
      what: "periodic rotated",
    });
    // Two refresh intervals pass: Periodic refreshes each time, the others do not.
    await passIntervals(w, "periodic", 2);
    assert.equal((await data("once", w)).v, "v1", "CreatedOnce never refreshes");
    assert.equal((await data("onchange", w)).v, "v1", "OnChange waits for a change");

    await annotate("onchange", { "force-sync": "1" }, w);
    await eventually(async () => (await data("onchange", w)).v === "v2", {
      timeoutMs: 15_000,
      what: "OnChange refreshed on change",
    });
    await annotate("once", { "force-sync": "1" }, w);
    // Real time: the annotation is handled by the watch at once; there is no signal that a reconcile chose not to
    // write, so the test gives it time to do so.
    await sleep(1500);
    assert.equal((await data("once", w)).v, "v1", "CreatedOnce ignores later changes");
    await setRemote("rotating", "v1", w);
  });

  it("the force-sync annotation syncs before the refresh interval is due", async () => {
    // A generator as the source: changing it touches no store, so only the annotation can trigger a sync.
    await h.client.create(generatorResource("Fake"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Fake",
      metadata: { name: "forced-gen", namespace: NS },
      spec: { data: { v: "payments" } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("forced", NS, {
        refreshInterval: "1h",
        dataFrom: [
          {
            sourceRef: {
              generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Fake", name: "forced-gen" },
            },
          },
        ],
      }),
    );
    await eventually(async () => (await data("forced")).v === "payments", { timeoutMs: 15_000, what: "forced synced" });
    const before = (await h.client.get(EXTERNAL_SECRETS, NS, "forced")).status.refreshTime;
    const gen = await h.client.get(generatorResource("Fake"), NS, "forced-gen");
    gen.spec.data.v = "billing";
    await h.client.update(generatorResource("Fake"), gen);
    // Real time: the refresh interval is 1h; this only gives the watch a chance to (wrongly) react to the change.
    await sleep(1500);
    assert.equal((await data("forced")).v, "payments", "no refresh before the interval");
    await annotate("forced", { "force-sync": String(Date.now()) });
    await eventually(async () => (await data("forced")).v === "billing", { timeoutMs: 15_000, what: "forced refresh" });
    const es = await h.client.get(EXTERNAL_SECRETS, NS, "forced");
    assert.ok(Date.parse(es.status.refreshTime) >= Date.parse(before));
  });
});

describe("immutable targets", () => {
  it("an immutable Secret is never rewritten: a changed source is a clear condition, data stays", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("frozen", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        target: { immutable: true },
        data: [{ secretKey: "v", remoteRef: { key: "user" } }],
      }),
    );
    await eventually(async () => (await data("frozen")).v === "admin", { timeoutMs: 15_000, what: "frozen synced" });
    const rv = (await h.client.get(SECRETS, NS, "frozen")).metadata.resourceVersion;
    await setRemote("user", "root");
    const c = await eventually(async () => {
      const cond = await readyCondition(h, EXTERNAL_SECRETS, NS, "frozen");
      return cond?.status === "False" ? cond : undefined;
    });
    assert.match(c.message ?? "", /immutable/);
    const live = await h.client.get(SECRETS, NS, "frozen");
    assert.equal(live.metadata.resourceVersion, rv);
    assert.deepEqual(decoded(live), { v: "admin" });
    await setRemote("user", "admin");
  });
});

describe("drift", () => {
  it("an edited managed Secret is restored within seconds, with a Warning event and the drift metric", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("watched", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "v", remoteRef: { key: "pass" } }],
      }),
    );
    await eventually(async () => (await data("watched")).v === "s3cret", { timeoutMs: 15_000, what: "watched synced" });
    const live = await h.client.get(SECRETS, NS, "watched");
    live.data.v = b64("tampered");
    live.data.extra = b64("injected");
    await h.client.update(SECRETS, live);
    // The interval is an hour: only the Secret watch can bring it back this fast.
    await eventually(async () => JSON.stringify(await data("watched")) === '{"v":"s3cret"}', {
      timeoutMs: 10_000,
      what: "restored",
    });
    const events = await eventually(async () => {
      const list = await h.client.list(EVENTS, NS);
      const found = list.filter(
        (e: any) => e.involvedObject?.name === "watched" && e.reason === "DriftRestored" && e.type === "Warning",
      );
      return found.length > 0 ? found : undefined;
    });
    assert.doesNotMatch(events[0].message, /s3cret|tampered/);
    const metric = await h.registry.getSingleMetricAsString("externalsecrets_drift_detected_total");
    assert.match(metric, /name="watched"[^\n]* 1/);
  });
});

describe("no-change refresh cost", () => {
  it("each periodic refresh with nothing new writes no Secret and makes a bounded number of API calls", async () => {
    const w = timed;
    // Only this ExternalSecret refreshes during the measurement.
    for (const es of await w.client.list(EXTERNAL_SECRETS, NS)) {
      await w.client.delete(EXTERNAL_SECRETS, NS, es.metadata.name);
    }
    await w.client.create(
      EXTERNAL_SECRETS,
      externalSecret("steady", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "v", remoteRef: { key: "user" } }],
      }),
    );
    await eventually(async () => (await data("steady", w)).v === "admin", { timeoutMs: 15_000, what: "steady synced" });
    const start = (await w.client.get(EXTERNAL_SECRETS, NS, "steady")).status.refreshTime;
    w.api.resetCounts();
    await passIntervals(w, "steady", 4);
    const counts = w.api.requestCounts();
    const now = (await w.client.get(EXTERNAL_SECRETS, NS, "steady")).status.refreshTime;
    // Each refresh records its time in status: one status write per refresh, and nothing else is written.
    const refreshes = counts["update externalsecrets/status"] ?? 0;
    assert.ok(Date.parse(now) > Date.parse(start), "refreshes happened");
    assert.ok(refreshes >= 2, `refreshes: ${refreshes}`);
    assert.equal(secretWrites(w), 0, JSON.stringify(counts));
    const writes = Object.entries(counts).filter(
      ([k]) => !/^(get|list|watch) /.test(k) && !k.startsWith("create events"),
    );
    assert.deepEqual(writes, [["update externalsecrets/status", refreshes]], JSON.stringify(counts));
    // Reads per refresh: the ExternalSecret, its store (class check, client), its Secret, orphan check.
    const total = Object.values(counts).reduce((x, y) => x + y, 0);
    assert.ok(total / refreshes <= 12, `API calls per refresh ${total / refreshes}: ${JSON.stringify(counts)}`);
  });
});
