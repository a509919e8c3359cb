/**
 * ExternalSecret end to end against real kube-apiserver + etcd: `eso controller` runs as a separate process with
 * the Helm chart's ServiceAccount and RBAC; every manifest is applied with kubectl.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "app";

/** The store's entries, with some replaced. */
function storeData(changes: Record<string, string> = {}) {
  const base: Record<string, string> = {
    "/db": '{"user":"admin","password":"p1"}',
    "/api": "token-1",
    json: '{"x":"1","y":"2"}',
    a: "A",
    b: "B",
    user: "admin",
    pass: "s3cret",
  };
  return Object.entries({ ...base, ...changes }).map(([key, value]) => ({ key, value }));
}

const op = useOperator({
  setup: async ({ kube }) => {
    await kube.createNamespace(NS);
    await kube.apply(
      fakeStore("fake", NS, [
        { key: "/db", value: '{"user":"admin","password":"p1"}' },
        { key: "/api", value: "token-1" },
        { key: "json", value: '{"x":"1","y":"2"}' },
        { key: "a", value: "A" },
        { key: "b", value: "B" },
        { key: "user", value: "admin" },
        { key: "pass", value: "s3cret" },
      ]),
    );
    await eventually(async () => (await kube.ready("secretstores", NS, "fake"))?.status === "True", {
      ...clusterPoll,
      what: "store Ready",
    });
  },
});

describe("ExternalSecret against the real API server", () => {
  it("syncs data, rotates after the refresh interval, and restores a Secret edited with kubectl", async () => {
    const { kube } = op;
    await kube.apply(
      externalSecret("app-secrets", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name: "app-secrets" },
        data: [
          { secretKey: "db-password", remoteRef: { key: "/db", property: "password" } },
          { secretKey: "api-key", remoteRef: { key: "/api" } },
        ],
      }),
    );
    const data = await eventually(() => kube.secretData(NS, "app-secrets"), { ...clusterPoll, what: "Secret written" });
    assert.deepEqual(data, { "db-password": "p1", "api-key": "token-1" });
    const cond = await kube.waitReady("externalsecrets", NS, "app-secrets");
    assert.equal(cond.reason, "SecretSynced");
    const es = await kube.get("externalsecrets", NS, "app-secrets");
    assert.equal(es?.status.binding.name, "app-secrets");
    assert.ok(es?.status.syncedResourceVersion);

    await kube.patch("secretstores", NS, "fake", {
      spec: { provider: { fake: { data: storeData({ "/db": '{"password":"p2"}' }) } } },
    });
    await eventually(async () => (await kube.secretData(NS, "app-secrets"))?.["db-password"] === "p2", {
      ...clusterPoll,
      what: "rotation",
    });

    // drift: a user edits the Secret with kubectl; the controller puts it back
    await kube.patch("secrets", NS, "app-secrets", {
      data: { "db-password": Buffer.from("hacked").toString("base64") },
    });
    await eventually(async () => (await kube.secretData(NS, "app-secrets"))?.["db-password"] === "p2", {
      ...clusterPoll,
      what: "drift restored",
    });
    await kube.delete("secrets", NS, "app-secrets");
    await eventually(async () => (await kube.secretData(NS, "app-secrets"))?.["db-password"] === "p2", {
      ...clusterPoll,
      what: "deleted Secret re-created",
    });
  });

  it("dataFrom extract and find with rewrite, into an immutable Secret", async () => {
    const { kube } = op;
    await kube.apply(
      externalSecret("from", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake" },
        target: { immutable: true },
        dataFrom: [
          { extract: { key: "json" } },
          { find: { name: { regexp: "^[ab]$" } }, rewrite: [{ regexp: { source: "(.*)", target: "found-$1" } }] },
        ],
      }),
    );
    const data = await eventually(() => kube.secretData(NS, "from"), { ...clusterPoll, what: "Secret written" });
    assert.deepEqual(data, { x: "1", y: "2", "found-a": "A", "found-b": "B" });
    assert.equal((await kube.get("secrets", NS, "from"))?.immutable, true);
  });

  it("templates: literal data, templateFrom a ConfigMap (read with get only, as the chart allows), labels", async () => {
    const { kube } = op;
    await kube.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "tpl", namespace: NS },
      data: { "config.yaml": "user: {{ .user }}\npassword: {{ .pass }}\n" },
    });
    await kube.apply(
      externalSecret("templated", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake" },
        target: {
          template: {
            engineVersion: "v2",
            type: "kubernetes.io/basic-auth",
            metadata: { labels: { app: "web" }, annotations: { "note/static": "yes" } },
            data: { username: "{{ .user }}", password: "{{ .pass | upper }}" },
            templateFrom: [
              { configMap: { name: "tpl", items: [{ key: "config.yaml" }] } },
              { target: "Labels", literal: "team: {{ .user }}" },
            ],
          },
        },
        data: [
          { secretKey: "user", remoteRef: { key: "user" } },
          { secretKey: "pass", remoteRef: { key: "pass" } },
        ],
      }),
    );
    const data = await eventually(() => kube.secretData(NS, "templated"), { ...clusterPoll, what: "templated Secret" });
    assert.deepEqual(data, {
      username: "admin",
      password: "S3CRET",
      "config.yaml": "user: admin\npassword: s3cret\n",
    });
    const s = await kube.get("secrets", NS, "templated");
    assert.equal(s?.type, "kubernetes.io/basic-auth");
    assert.equal(s?.metadata.labels.app, "web");
    assert.equal(s?.metadata.labels.team, "admin");
    assert.equal(s?.metadata.annotations["note/static"], "yes");

    // the template source changes; force-sync renders it before the 1h refresh is due
    await kube.patch("configmaps", NS, "tpl", { data: { "config.yaml": "u={{ .user }}" } });
    await kube.kubectl([
      "annotate",
      "--overwrite",
      "-n",
      NS,
      "externalsecret",
      "templated",
      `force-sync=${Date.now()}`,
    ]);
    await eventually(async () => (await kube.secretData(NS, "templated"))?.["config.yaml"] === "u=admin", {
      ...clusterPoll,
      what: "re-rendered",
    });
  });

  it("refreshInterval: a generator source is not re-read before the interval; force-sync reads it at once", async () => {
    const { kube } = op;
    await kube.apply({
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Fake",
      metadata: { name: "forced-gen", namespace: NS },
      spec: { data: { v: "payments" } },
    });
    await kube.apply(
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
    await eventually(async () => (await kube.secretData(NS, "forced"))?.v === "payments", {
      ...clusterPoll,
      what: "generated value synced",
    });
    await kube.waitReady("externalsecrets", NS, "forced");
    const before = (await kube.get("externalsecrets", NS, "forced"))?.status.refreshTime;
    await kube.patch("fakes.generators.external-secrets.io", NS, "forced-gen", { spec: { data: { v: "billing" } } });
    // Real time (real cluster): the operator runs in its own process on the real clock.
    await sleep(3_000);
    assert.equal((await kube.secretData(NS, "forced"))?.v, "payments", "no refresh before the interval");
    await kube.kubectl(["annotate", "--overwrite", "-n", NS, "externalsecret", "forced", `force-sync=${Date.now()}`]);
    await eventually(async () => (await kube.secretData(NS, "forced"))?.v === "billing", {
      ...clusterPoll,
      what: "forced refresh",
    });
    const es = await kube.get("externalsecrets", NS, "forced");
    assert.ok(Date.parse(es?.status.refreshTime) >= Date.parse(before));
  });

  it("a short refreshInterval picks up a provider change without any annotation", async () => {
    const { kube } = op;
    await kube.apply({
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Fake",
      metadata: { name: "periodic-gen", namespace: NS },
      spec: { data: { v: "one" } },
    });
    await kube.apply(
      externalSecret("periodic", NS, {
        refreshInterval: "2s",
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: "generators.external-secrets.io/v1alpha1",
                kind: "Fake",
                name: "periodic-gen",
              },
            },
          },
        ],
      }),
    );
    await eventually(async () => (await kube.secretData(NS, "periodic"))?.v === "one", {
      ...clusterPoll,
      what: "first sync",
    });
    await kube.patch("fakes.generators.external-secrets.io", NS, "periodic-gen", { spec: { data: { v: "two" } } });
    await eventually(async () => (await kube.secretData(NS, "periodic"))?.v === "two", {
      ...clusterPoll,
      what: "periodic refresh",
    });
  });
});
