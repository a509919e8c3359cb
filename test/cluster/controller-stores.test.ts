/**
 * SecretStore / ClusterSecretStore validation and scope, the kubernetes provider reading from this same real
 * cluster as a ServiceAccount (TokenRequest by the controller, RBAC by the API server), and ClusterExternalSecret
 * fan-out to labelled namespaces.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, type Obj } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

const op = useOperator({
  setup: async ({ kube }) => {
    await kube.createNamespace("listed");
    await kube.createNamespace("team-a");
    await kube.createNamespace("labelled", { env: "prod" });
    await kube.createNamespace("denied", { env: "dev" });
    await kube.createNamespace("kube");
    await kube.createNamespace("remote");
  },
});

const esSpec = (store: string, kind = "SecretStore") => ({
  refreshInterval: "1h",
  secretStoreRef: { name: store, kind },
  data: [{ secretKey: "v", remoteRef: { key: "k" } }],
});

function secretManifest(namespace: string, name: string, values: Record<string, string>, labels?: Obj): Obj {
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, b64(v)]));
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace, labels }, data };
}

describe("ClusterSecretStore conditions and SecretStore scope", () => {
  it("allows namespaces by name, regexp and label selector; others get a clear condition", async () => {
    const { kube } = op;
    await kube.apply(
      fakeStore("shared", undefined, [{ key: "k", value: "cluster-value" }], {
        conditions: [
          { namespaces: ["listed"] },
          { namespaceRegexes: ["^team-"] },
          { namespaceSelector: { matchLabels: { env: "prod" } } },
        ],
      }),
    );
    await kube.waitReady("clustersecretstores", undefined, "shared");
    await kube.apply(
      ["listed", "team-a", "labelled", "denied"].map((ns) =>
        externalSecret("css", ns, esSpec("shared", "ClusterSecretStore")),
      ),
    );
    for (const ns of ["listed", "team-a", "labelled"]) {
      await kube.waitReady("externalsecrets", ns, "css");
      assert.deepEqual(await kube.secretData(ns, "css"), { v: "cluster-value" });
    }
    const denied = await kube.waitReady("externalsecrets", "denied", "css", "False");
    assert.equal(denied.reason, "SecretSyncedError");
    assert.match(denied.message ?? "", /not allowed from namespace "denied"/);
    assert.equal(await kube.get("secrets", "denied", "css"), undefined);

    // the namespace gains the label (kubectl label): a forced sync is now allowed
    await kube.kubectl(["label", "namespace", "denied", "env=prod", "--overwrite"]);
    await kube.kubectl(["annotate", "-n", "denied", "externalsecret", "css", "force-sync=1", "--overwrite"]);
    await kube.waitReady("externalsecrets", "denied", "css");
  });

  it("a SecretStore is usable only from its own namespace", async () => {
    const { kube } = op;
    await kube.apply(fakeStore("local", "listed", [{ key: "k", value: "local-value" }]));
    await kube.waitReady("secretstores", "listed", "local");
    await kube.apply(externalSecret("cross", "team-a", esSpec("local")));
    const c = await kube.waitReady("externalsecrets", "team-a", "cross", "False");
    assert.match(c.message ?? "", /local/);
    assert.equal(await kube.get("secrets", "team-a", "cross"), undefined);
  });

  it("a store missing its auth is not Ready naming the field, and its ExternalSecrets say so", async () => {
    const { kube } = op;
    await kube.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "no-auth", namespace: "kube" },
      spec: { provider: { kubernetes: { remoteNamespace: "remote", server: { url: op.cluster.cp.url } } } },
    });
    const bad = await kube.waitReady("secretstores", "kube", "no-auth", "False");
    assert.equal(bad.reason, "InvalidProviderConfig");
    assert.match(bad.message ?? "", /spec\.provider\.kubernetes\.auth/);
    await kube.apply(externalSecret("uses-no-auth", "kube", esSpec("no-auth")));
    const c = await kube.waitReady("externalsecrets", "kube", "uses-no-auth", "False");
    assert.match(c.message ?? "", /"no-auth" is not ready/);
  });
});

describe("kubernetes provider against this real cluster", () => {
  it("a ServiceAccount's token (TokenRequest) reads what its Role allows, and nothing else", async () => {
    const { kube, cluster } = op;
    await kube.apply([
      secretManifest("remote", "db", { user: "admin", "conf.json": '{"host":"h"}' }, { team: "a" }),
      secretManifest("remote", "cache", { pw: "x" }, { team: "b" }),
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "reader", namespace: "kube" } },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "secret-reader", namespace: "remote" },
        rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "reader", namespace: "remote" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "secret-reader" },
        subjects: [{ kind: "ServiceAccount", name: "reader", namespace: "kube" }],
      },
      // a second account without any Role in "remote"
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "nobody", namespace: "kube" } },
    ]);
    const server = { url: cluster.cp.url, caBundle: b64(readFileSync(cluster.cp.caFile)) };
    const kubeStore = (name: string, sa: string, srv: Obj = server) => ({
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name, namespace: "kube" },
      spec: {
        provider: { kubernetes: { server: srv, auth: { serviceAccount: { name: sa } }, remoteNamespace: "remote" } },
      },
    });
    await kube.apply([
      kubeStore("by-sa", "reader"),
      kubeStore("no-role", "nobody"),
      kubeStore("untrusted", "reader", { url: cluster.cp.url }),
    ]);
    await kube.waitReady("secretstores", "kube", "by-sa");
    const untrusted = await kube.waitReady("secretstores", "kube", "untrusted", "False");
    assert.match(untrusted.message ?? "", /certificate/i);

    await kube.apply(
      externalSecret("kube-sa", "kube", {
        refreshInterval: "1h",
        secretStoreRef: { name: "by-sa" },
        data: [
          { secretKey: "user", remoteRef: { key: "db", property: "user" } },
          { secretKey: "host", remoteRef: { key: "db", property: "conf.json" } },
        ],
        dataFrom: [{ find: { tags: { team: "b" } } }],
      }),
    );
    await kube.waitReady("externalsecrets", "kube", "kube-sa");
    const got = await kube.secretData("kube", "kube-sa");
    assert.equal(got?.user, "admin");
    assert.equal(got?.host, '{"host":"h"}');
    assert.deepEqual(JSON.parse(got?.cache ?? "{}"), { pw: "x" });

    // the real API server's RBAC denies the account without a Role: a clear condition, no Secret
    const noRoleStore = await eventually(
      async () => {
        const c = await kube.ready("secretstores", "kube", "no-role");
        return c?.status ? c : undefined;
      },
      { ...clusterPoll, what: "no-role store validated" },
    );
    await kube.apply(
      externalSecret("kube-denied", "kube", {
        refreshInterval: "1h",
        secretStoreRef: { name: "no-role" },
        data: [{ secretKey: "user", remoteRef: { key: "db", property: "user" } }],
      }),
    );
    const denied = await kube.waitReady("externalsecrets", "kube", "kube-denied", "False");
    assert.match(`${noRoleStore.message ?? ""} ${denied.message ?? ""}`, /forbidden|not allowed|permission|403/i);
    assert.equal(await kube.get("secrets", "kube", "kube-denied"), undefined);
  });
});

describe("ClusterExternalSecret", () => {
  it("fans out to labelled namespaces, follows label changes, reports a foreign ExternalSecret", async () => {
    const { kube } = op;
    await kube.apply(fakeStore("fan-store", undefined, [{ key: "k", value: "fanned-out" }]));
    await kube.waitReady("clustersecretstores", undefined, "fan-store");
    await kube.createNamespace("web", { tier: "frontend" });
    await kube.createNamespace("api", { tier: "frontend" });
    await kube.createNamespace("db", { tier: "backend" });
    await kube.createNamespace("named");
    await kube.createNamespace("taken", { tier: "frontend" });
    await kube.apply(
      externalSecret("app-creds", "taken", {
        secretStoreRef: { name: "fan-store", kind: "ClusterSecretStore" },
        data: [{ secretKey: "mine", remoteRef: { key: "k" } }],
      }),
    );
    await kube.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "fan" },
      spec: {
        externalSecretName: "app-creds",
        externalSecretMetadata: { labels: { owner: "platform" }, annotations: { "note/why": "shared" } },
        namespaceSelectors: [{ matchLabels: { tier: "frontend" } }],
        namespaces: ["named"],
        refreshTime: "1s",
        externalSecretSpec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "fan-store", kind: "ClusterSecretStore" },
          target: { name: "app-creds" },
          data: [{ secretKey: "value", remoteRef: { key: "k" } }],
        },
      },
    });
    const statusOf = async () => (await kube.get("clusterexternalsecrets", undefined, "fan"))?.status ?? {};
    const st = await eventually(
      async () => {
        const s = await statusOf();
        return (s.provisionedNamespaces ?? []).length === 3 && (s.failedNamespaces ?? []).length === 1 ? s : undefined;
      },
      { ...clusterPoll, what: "fan-out status" },
    );
    assert.deepEqual(st.provisionedNamespaces, ["api", "named", "web"]);
    assert.equal(st.failedNamespaces[0].namespace, "taken");
    assert.match(st.failedNamespaces[0].reason, /already exists/);
    const ces = await kube.get("clusterexternalsecrets", undefined, "fan");
    for (const ns of ["web", "api", "named"]) {
      const es = await kube.get("externalsecrets", ns, "app-creds");
      assert.equal(es?.metadata.labels.owner, "platform");
      assert.equal(es?.metadata.annotations["note/why"], "shared");
      assert.equal(es?.metadata.ownerReferences[0].kind, "ClusterExternalSecret");
      assert.equal(es?.metadata.ownerReferences[0].uid, ces?.metadata.uid);
      assert.equal(es?.metadata.ownerReferences[0].controller, true);
      await eventually(async () => (await kube.secretData(ns, "app-creds"))?.value === "fanned-out", {
        ...clusterPoll,
        what: `${ns} Secret`,
      });
    }
    const foreign = await kube.get("externalsecrets", "taken", "app-creds");
    assert.equal(foreign?.metadata.ownerReferences, undefined);
    assert.equal(foreign?.spec.data[0].secretKey, "mine");
    assert.equal(await kube.get("externalsecrets", "db", "app-creds"), undefined);

    // db starts matching, web stops matching
    await kube.kubectl(["label", "namespace", "db", "tier=frontend", "--overwrite"]);
    await kube.kubectl(["label", "namespace", "web", "tier=legacy", "--overwrite"]);
    await eventually(async () => JSON.stringify((await statusOf()).provisionedNamespaces) === '["api","db","named"]', {
      ...clusterPoll,
      what: "namespaces followed",
    });
    await eventually(async () => (await kube.get("externalsecrets", "web", "app-creds")) === undefined, {
      ...clusterPoll,
      what: "web child removed",
    });
    await eventually(async () => (await kube.secretData("db", "app-creds"))?.value === "fanned-out", {
      ...clusterPoll,
      what: "db Secret",
    });

    // a deleted child is re-created
    await kube.delete("externalsecrets", "api", "app-creds");
    await eventually(async () => (await kube.get("externalsecrets", "api", "app-creds")) !== undefined, {
      ...clusterPoll,
      what: "child re-created",
    });
  });
});
