/**
 * PushSecret (to the fake provider, read back through an ExternalSecret of the same store, and to the kubernetes
 * provider writing into this same real cluster), the Password generator, and GeneratorState deadlines, with the
 * chart's RBAC.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, type Obj, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "push";
const API = "generators.external-secrets.io/v1alpha1";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

function secretManifest(namespace: string, name: string, values: Record<string, string>): Obj {
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, b64(v)]));
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, data };
}

function pushSecret(name: string, spec: Obj): Obj {
  return { apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name, namespace: NS }, spec };
}

const fromGenerator = (kind: string, name: string) => ({
  dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API, kind, name } } }],
});

const op = useOperator({
  setup: async ({ kube, cluster }) => {
    await kube.createNamespace(NS);
    await kube.createNamespace("remote");
    await kube.apply([
      fakeStore("fake", NS, [{ key: "preexisting", value: "from-the-store" }]),
      secretManifest(NS, "db", { user: "admin", password: "p1" }),
      // the kubernetes provider writes into "remote" as this ServiceAccount
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "pusher", namespace: NS } },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "secret-writer", namespace: "remote" },
        rules: [
          {
            apiGroups: [""],
            resources: ["secrets"],
            verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
          },
        ],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "pusher", namespace: "remote" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "secret-writer" },
        subjects: [{ kind: "ServiceAccount", name: "pusher", namespace: NS }],
      },
      {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "kube", namespace: NS },
        spec: {
          provider: {
            kubernetes: {
              server: { url: cluster.cp.url, caBundle: b64(readFileSync(cluster.cp.caFile)) },
              auth: { serviceAccount: { name: "pusher" } },
              remoteNamespace: "remote",
            },
          },
        },
      },
      {
        apiVersion: API,
        kind: "Password",
        metadata: { name: "pw", namespace: NS },
        spec: { length: 20, digits: 4, symbols: 0 },
      },
    ]);
    await kube.waitReady("secretstores", NS, "fake");
    await kube.waitReady("secretstores", NS, "kube");
  },
});

describe("PushSecret", () => {
  it("pushes to the fake provider; an ExternalSecret of the same store reads it back; a change is re-pushed", async () => {
    const { kube } = op;
    await kube.apply(
      pushSecret("push-db", {
        refreshInterval: "1s",
        secretStoreRefs: [{ name: "fake", kind: "SecretStore" }],
        selector: { secret: { name: "db" } },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "db-password" } } }],
      }),
    );
    const cond = await kube.waitReady("pushsecrets", NS, "push-db");
    assert.equal(cond.reason, "Synced");
    const ps = await kube.get("pushsecrets", NS, "push-db");
    assert.deepEqual(Object.keys(ps?.status.syncedPushSecrets["SecretStore/fake"]), ["db-password"]);
    await kube.apply(
      externalSecret("read-back", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "pw", remoteRef: { key: "db-password" } }],
      }),
    );
    await eventually(async () => (await kube.secretData(NS, "read-back"))?.pw === "p1", {
      ...clusterPoll,
      what: "pushed value read back",
    });

    await kube.patch("secrets", NS, "db", { data: { password: b64("p2") } });
    await eventually(async () => (await kube.secretData(NS, "read-back"))?.pw === "p2", {
      ...clusterPoll,
      what: "re-pushed value read back",
    });
    const events = await kube.list("events", NS);
    assert.ok(events.some((e) => e.involvedObject?.name === "push-db" && e.reason === "Synced"));
    assert.ok(!JSON.stringify([await kube.get("pushsecrets", NS, "push-db"), events]).includes("p2"));
  });

  it("pushes into this cluster with the kubernetes provider; deletionPolicy Delete removes it with the PushSecret", async () => {
    const { kube } = op;
    await kube.apply(
      pushSecret("push-kube", {
        refreshInterval: "1h",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "kube", kind: "SecretStore" }],
        selector: { secret: { name: "db" } },
        data: [{ match: { secretKey: "user", remoteRef: { remoteKey: "pushed", property: "username" } } }],
      }),
    );
    await kube.waitReady("pushsecrets", NS, "push-kube");
    assert.deepEqual(await kube.secretData("remote", "pushed"), { username: "admin" });
    const ps = await kube.get("pushsecrets", NS, "push-kube");
    assert.ok(ps?.metadata.finalizers?.includes("pushsecret.externalsecrets.io/finalizer"));
    await kube.delete("pushsecrets", NS, "push-kube");
    await eventually(async () => (await kube.get("pushsecrets", NS, "push-kube")) === undefined, {
      ...clusterPoll,
      what: "PushSecret gone",
    });
    const left = await kube.secretData("remote", "pushed");
    assert.ok(
      left === undefined || !("username" in left),
      `pushed property removed (left: ${JSON.stringify(Object.keys(left ?? {}))})`,
    );
  });
});

describe("generators", () => {
  it("Password: lands in the Secret, stays under CreatedOnce, rotates under Periodic", async () => {
    const { kube } = op;
    await kube.apply([
      externalSecret("pw-once", NS, {
        refreshInterval: "1s",
        refreshPolicy: "CreatedOnce",
        ...fromGenerator("Password", "pw"),
      }),
      externalSecret("pw-periodic", NS, {
        refreshInterval: "1s",
        refreshPolicy: "Periodic",
        ...fromGenerator("Password", "pw"),
      }),
    ]);
    const once = await eventually(async () => (await kube.secretData(NS, "pw-once"))?.password, {
      ...clusterPoll,
      what: "CreatedOnce password",
    });
    assert.equal(once.length, 20);
    assert.equal(once.replace(/[^0-9]/g, "").length, 4);
    const first = await eventually(async () => (await kube.secretData(NS, "pw-periodic"))?.password, {
      ...clusterPoll,
      what: "Periodic password",
    });
    await eventually(
      async () => {
        const now = (await kube.secretData(NS, "pw-periodic"))?.password;
        return now !== undefined && now !== first;
      },
      { ...clusterPoll, what: "Periodic rotation" },
    );
    // Real time (real cluster): the operator runs in its own process on the real clock.
    await sleep(2_000);
    assert.equal((await kube.secretData(NS, "pw-once"))?.password, once);
  });

  it("GeneratorState: a state past its garbage-collection deadline is deleted; a current one stays", async () => {
    const { kube } = op;
    const state = (name: string, deadline?: string) => ({
      apiVersion: API,
      kind: "GeneratorState",
      metadata: { name, namespace: NS },
      spec: {
        ...(deadline ? { garbageCollectionDeadline: deadline } : {}),
        resource: { apiVersion: API, kind: "Password", metadata: { name: "pw", namespace: NS }, spec: { length: 8 } },
        state: { note: "no external state" },
      },
    });
    await kube.apply([
      state("expired", new Date(Date.now() - 1_000).toISOString().replace(/\.\d+Z$/, "Z")),
      state("current"),
    ]);
    await eventually(async () => (await kube.get("generatorstates", NS, "expired")) === undefined, {
      ...clusterPoll,
      what: "expired state deleted",
    });
    // Ready is written through the status subresource (generatorstates/status in the chart's ClusterRole)
    const ready = await kube.waitReady("generatorstates", NS, "current");
    assert.equal(ready.message, "GeneratorState created");
    const current = await kube.get("generatorstates", NS, "current");
    assert.ok(current?.metadata.finalizers?.length);
    // Real time (real cluster): a wrong finalizer removal would show by now.
    await sleep(1_000);
    assert.ok(await kube.get("generatorstates", NS, "current"));
  });
});
