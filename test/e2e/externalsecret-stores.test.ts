/**
 * Stores end to end: ClusterSecretStore namespace conditions, SecretStore namespace scoping, controller
 * class, configuration errors as conditions, re-validation on the store's refreshInterval with the
 * ExternalSecrets that use it re-queued, and the kubernetes provider over HTTPS (caBundle, client
 * certificate, token and ServiceAccount auth, remoteNamespace, property, find by name and labels).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CLUSTER_SECRET_STORES } from "../../src/kube/index.js";
import { type KubeTlsProxy, startKubeTlsProxy } from "../fakes/kube-tls-proxy.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretManifest,
  useHarness,
} from "../support/world.js";

let proxy: KubeTlsProxy;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const h = useHarness({ controllerClass: "blue" }, async (h) => {
  const adminToken = h.api.kubeConfig().getCurrentUser()?.token ?? "";
  proxy = await startKubeTlsProxy(h.api.url, adminToken);
  await createNamespace(h, "listed");
  await createNamespace(h, "team-a");
  await createNamespace(h, "labelled", { env: "prod" });
  await createNamespace(h, "denied", { env: "dev" });
  await createNamespace(h, "classes");
  await createNamespace(h, "kube");
  await createNamespace(h, "remote");
  await h.client.create(
    SECRETS,
    secretManifest("remote", "db", { user: "admin", "conf.json": '{"host":"h"}' }, { team: "a" }),
  );
  await h.client.create(SECRETS, secretManifest("remote", "cache", { pw: "x" }, { team: "b" }));
});

after(async () => {
  await proxy.close();
});

async function condition(
  kind: typeof SECRET_STORES | typeof EXTERNAL_SECRETS,
  ns: string,
  name: string,
  status: string,
) {
  return eventually(
    async () => {
      const c = await readyCondition(h, kind, ns, name);
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 20_000, what: `${ns}/${name} Ready=${status}` },
  );
}

const esSpec = (store: string, kind = "SecretStore") => ({
  refreshInterval: "1h",
  secretStoreRef: { name: store, kind },
  data: [{ secretKey: "v", remoteRef: { key: "k" } }],
});

describe("ClusterSecretStore conditions and SecretStore scope", () => {
  it("allows namespaces by name, regexp and label selector; others get a clear condition", async () => {
    await h.client.create(
      CLUSTER_SECRET_STORES,
      fakeStore("shared", undefined, [{ key: "k", value: "cluster-value" }], {
        conditions: [
          { namespaces: ["listed"] },
          { namespaceRegexes: ["^team-"] },
          { namespaceSelector: { matchLabels: { env: "prod" } } },
        ],
      }),
    );
    await condition(CLUSTER_SECRET_STORES, "", "shared", "True");
    for (const ns of ["listed", "team-a", "labelled", "denied"]) {
      await h.client.create(EXTERNAL_SECRETS, externalSecret("css", ns, esSpec("shared", "ClusterSecretStore")));
    }
    for (const ns of ["listed", "team-a", "labelled"]) {
      await condition(EXTERNAL_SECRETS, ns, "css", "True");
      assert.deepEqual(await secretData(h, ns, "css"), { v: "cluster-value" });
    }
    const denied = await condition(EXTERNAL_SECRETS, "denied", "css", "False");
    assert.equal(denied.reason, "SecretSyncedError");
    assert.match(denied.message ?? "", /not allowed from namespace "denied"/);
    assert.equal(await h.client.get(SECRETS, "denied", "css"), undefined);

    // the namespace gains the label: the next sync is allowed
    const ns = await h.client.get({ group: "", version: "v1", plural: "namespaces", namespaced: false }, "", "denied");
    ns.metadata.labels = { ...ns.metadata.labels, env: "prod" };
    await h.client.update({ group: "", version: "v1", plural: "namespaces", namespaced: false }, ns);
    const es = await h.client.get(EXTERNAL_SECRETS, "denied", "css");
    es.metadata.annotations = { "force-sync": "1" };
    await h.client.update(EXTERNAL_SECRETS, es);
    await condition(EXTERNAL_SECRETS, "denied", "css", "True");
  });

  it("a SecretStore is usable only from its own namespace", async () => {
    await h.client.create(SECRET_STORES, fakeStore("local", "listed", [{ key: "k", value: "local-value" }]));
    await condition(SECRET_STORES, "listed", "local", "True");
    await h.client.create(EXTERNAL_SECRETS, externalSecret("cross", "team-a", esSpec("local")));
    const c = await condition(EXTERNAL_SECRETS, "team-a", "cross", "False");
    assert.match(c.message ?? "", /SecretStore "local" not found in namespace team-a/);
    await h.client.create(EXTERNAL_SECRETS, externalSecret("same", "listed", esSpec("local")));
    await condition(EXTERNAL_SECRETS, "listed", "same", "True");

    // the store's spec changes: its users sync now, not at their next (hourly) refresh
    const local = await h.client.get(SECRET_STORES, "listed", "local");
    local.spec.provider.fake.data[0].value = "local-value-2";
    await h.client.update(SECRET_STORES, local);
    await eventually(async () => (await secretData(h, "listed", "same")).v === "local-value-2", {
      timeoutMs: 10_000,
      what: "users re-synced after the store changed",
    });

    // the store goes away: its users are re-queued at once, explain it, and keep their Secret
    await h.client.delete(SECRET_STORES, "listed", "local");
    const gone = await condition(EXTERNAL_SECRETS, "listed", "same", "False");
    assert.match(gone.message ?? "", /SecretStore "local" not found in namespace listed/);
    assert.deepEqual(await secretData(h, "listed", "same"), { v: "local-value-2" });

    // creationPolicy Owner: deleting the ExternalSecret garbage-collects its Secret
    await h.client.delete(EXTERNAL_SECRETS, "listed", "same");
    await eventually(async () => (await h.client.get(SECRETS, "listed", "same")) === undefined, {
      timeoutMs: 15_000,
      what: "Secret GC",
    });
  });
});

describe("controller class and configuration errors", () => {
  it("only stores of this controller's class (or none) and their ExternalSecrets are handled", async () => {
    await h.client.create(
      SECRET_STORES,
      fakeStore("green", "classes", [{ key: "k", value: "green" }], { controller: "green" }),
    );
    await h.client.create(
      SECRET_STORES,
      fakeStore("blue", "classes", [{ key: "k", value: "blue" }], { controller: "blue" }),
    );
    await h.client.create(EXTERNAL_SECRETS, externalSecret("uses-green", "classes", esSpec("green")));
    await h.client.create(EXTERNAL_SECRETS, externalSecret("uses-blue", "classes", esSpec("blue")));
    await condition(SECRET_STORES, "classes", "blue", "True");
    await condition(EXTERNAL_SECRETS, "classes", "uses-blue", "True");
    // Real time: checks that the other class's objects are never touched; nothing signals "ignored".
    await sleep(1000);
    assert.equal((await h.client.get(SECRET_STORES, "classes", "green")).status, undefined);
    assert.equal((await h.client.get(EXTERNAL_SECRETS, "classes", "uses-green")).status, undefined);
    assert.equal(await h.client.get(SECRETS, "classes", "uses-green"), undefined);
  });

  it("a store with two providers is refused; a store missing its auth is not Ready naming the field", async () => {
    await assert.rejects(
      h.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "two", namespace: "classes" },
        spec: { provider: { fake: { data: [] }, kubernetes: { remoteNamespace: "remote" } } },
      }),
      /spec\.provider/,
    );
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "no-auth", namespace: "classes" },
      spec: { provider: { kubernetes: { remoteNamespace: "remote", server: { url: proxy.url } } } },
    });
    const bad = await condition(SECRET_STORES, "classes", "no-auth", "False");
    assert.equal(bad.reason, "InvalidProviderConfig");
    assert.match(bad.message ?? "", /spec\.provider\.kubernetes\.auth/);
    await h.client.create(EXTERNAL_SECRETS, externalSecret("uses-no-auth", "classes", esSpec("no-auth")));
    const c = await condition(EXTERNAL_SECRETS, "classes", "uses-no-auth", "False");
    assert.match(c.message ?? "", /"no-auth" is not ready/);
  });
});

const kubeStore = (name: string, server: Record<string, unknown>, auth: Record<string, unknown>, extra = {}) => ({
  apiVersion: "external-secrets.io/v1",
  kind: "SecretStore",
  metadata: { name, namespace: "kube" },
  spec: { provider: { kubernetes: { server, auth, remoteNamespace: "remote" } }, ...extra },
});

describe("store re-validation and the kubernetes provider", () => {
  it("a store re-validates on its refreshInterval and re-queues the ExternalSecrets that use it", async () => {
    const server = { url: proxy.url, caBundle: b64(proxy.pki.caPem) };
    await h.client.create(
      SECRET_STORES,
      kubeStore(
        "later",
        server,
        { token: { bearerToken: { name: "kube-token", key: "token" } } },
        { refreshInterval: 1 },
      ),
    );
    const notReady = await condition(SECRET_STORES, "kube", "later", "False");
    assert.match(notReady.message ?? "", /kube-token/);
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("waits", "kube", {
        refreshInterval: "1h",
        secretStoreRef: { name: "later" },
        data: [{ secretKey: "user", remoteRef: { key: "db", property: "user" } }],
      }),
    );
    const waiting = await condition(EXTERNAL_SECRETS, "kube", "waits", "False");
    assert.match(waiting.message ?? "", /"later" is not ready/);

    // The credential appears: the periodic re-validation finds it and the ExternalSecret follows at once,
    // without waiting for its own one-hour interval.
    await h.client.create(SECRETS, secretManifest("kube", "kube-token", { token: "any-token" }));
    await condition(SECRET_STORES, "kube", "later", "True");
    await condition(EXTERNAL_SECRETS, "kube", "waits", "True");
    assert.deepEqual(await secretData(h, "kube", "waits"), { user: "admin" });
  });

  it("a store that fails validation is retried with backoff, not at its next interval", async () => {
    const server = { url: proxy.url, caBundle: b64(proxy.pki.caPem) };
    // No refreshInterval: a valid store would be re-checked only after the default interval (60 s here).
    await h.client.create(
      SECRET_STORES,
      kubeStore("backoff", server, { token: { bearerToken: { name: "backoff-token", key: "token" } } }),
    );
    const notReady = await condition(SECRET_STORES, "kube", "backoff", "False");
    assert.match(notReady.message ?? "", /backoff-token/);
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("waits-for-backoff", "kube", {
        refreshInterval: "1h",
        secretStoreRef: { name: "backoff" },
        data: [{ secretKey: "user", remoteRef: { key: "db", property: "user" } }],
      }),
    );
    await condition(EXTERNAL_SECRETS, "kube", "waits-for-backoff", "False");
    await h.client.create(SECRETS, secretManifest("kube", "backoff-token", { token: "any-token" }));
    // Within condition()'s 20 s, well before the 60 s interval.
    await condition(SECRET_STORES, "kube", "backoff", "True");
    await condition(EXTERNAL_SECRETS, "kube", "waits-for-backoff", "True");
    assert.deepEqual(await secretData(h, "kube", "waits-for-backoff"), { user: "admin" });
  });

  it("kubernetes provider over HTTPS: caBundle, client certificate, ServiceAccount token, property and find", async () => {
    await h.client.create(
      SECRETS,
      secretManifest("kube", "kube-client-cert", {
        "tls.crt": proxy.pki.clientCertPem,
        "tls.key": proxy.pki.clientKeyPem,
      }),
    );
    await h.client.create(
      { group: "", version: "v1", plural: "serviceaccounts", namespaced: true },
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "reader", namespace: "kube" },
      },
    );
    const server = { url: proxy.url, caBundle: b64(proxy.pki.caPem) };
    await h.client.create(
      SECRET_STORES,
      kubeStore("by-cert", server, {
        cert: {
          clientCert: { name: "kube-client-cert", key: "tls.crt" },
          clientKey: { name: "kube-client-cert", key: "tls.key" },
        },
      }),
    );
    await h.client.create(SECRET_STORES, kubeStore("by-sa", server, { serviceAccount: { name: "reader" } }));
    await h.client.create(
      SECRET_STORES,
      kubeStore("untrusted", { url: proxy.url }, { serviceAccount: { name: "reader" } }),
    );
    await condition(SECRET_STORES, "kube", "by-cert", "True");
    await condition(SECRET_STORES, "kube", "by-sa", "True");
    const untrusted = await condition(SECRET_STORES, "kube", "untrusted", "False");
    assert.match(untrusted.message ?? "", /certificate/i);

    const certBefore = proxy.counts.cert;
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("kube-cert", "kube", {
        refreshInterval: "1h",
        secretStoreRef: { name: "by-cert" },
        data: [
          { secretKey: "user", remoteRef: { key: "db", property: "user" } },
          { secretKey: "host", remoteRef: { key: "db", property: "conf.json" } },
        ],
        dataFrom: [{ find: { name: { regexp: "^cach" } } }],
      }),
    );
    await condition(EXTERNAL_SECRETS, "kube", "kube-cert", "True");
    const got = await secretData(h, "kube", "kube-cert");
    assert.equal(got.user, "admin");
    assert.equal(got.host, '{"host":"h"}');
    assert.deepEqual(JSON.parse(got.cache ?? "{}"), { pw: "x" });
    assert.ok(proxy.counts.cert > certBefore, "the client certificate authenticated the reads");

    const tokenBefore = proxy.counts.token;
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("kube-sa", "kube", {
        refreshInterval: "1h",
        secretStoreRef: { name: "by-sa" },
        dataFrom: [{ find: { tags: { team: "a" } } }, { extract: { key: "cache" } }],
      }),
    );
    await condition(EXTERNAL_SECRETS, "kube", "kube-sa", "True");
    const sa = await secretData(h, "kube", "kube-sa");
    assert.deepEqual(Object.keys(sa).sort(), ["db", "pw"]);
    assert.equal(JSON.parse(sa.db ?? "{}").user, "admin");
    assert.ok(proxy.counts.token > tokenBefore, "the ServiceAccount token authenticated the reads");
    assert.equal(proxy.counts.rejected, 0);
  });
});
