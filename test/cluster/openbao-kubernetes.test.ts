/**
 * Vault kubernetes auth with nothing of ours in the trust path: our controllers run against a real
 * kube-apiserver (+ etcd), mint a ServiceAccount token there with the TokenRequest API, and present it to a real
 * OpenBao, whose kubernetes auth method asks that same kube-apiserver's TokenReview API (with a reviewer
 * ServiceAccount bound to system:auth-delegator) whether the token is valid and whom it names.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { allCRDs } from "../../src/api/crds.js";
import {
  EXTERNAL_SECRETS,
  KubeClient,
  NAMESPACES,
  SECRET_STORES,
  SECRETS,
} from "../../src/controllers/common/kube-client.js";
import { type RunningControllers, startControllers } from "../../src/controllers/index.js";
import { connectionFromKubeConfig } from "../../src/providers/kube-access.js";
import "../../src/providers/all.js";
import { type KubeConnection, kubeRequest } from "../../src/providers/kubernetes/rest.js";
import { eventually } from "../e2e/harness.js";
import { BaoApi } from "./providers/openbao-api.js";
import { realBinaries, realComponents } from "./providers/real-components.js";
import type { ControlPlane } from "./support/components.js";

const NS = "apps";
const SERVICE_ACCOUNTS = { group: "", version: "v1", plural: "serviceaccounts", namespaced: true };
const CLUSTER_ROLE_BINDINGS = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  plural: "clusterrolebindings",
  namespaced: false,
};

let cp: ControlPlane | undefined;
let bao: { addr: string; token: string; stop(): Promise<void> } | undefined;
let controllers: RunningControllers | undefined;
let conn: KubeConnection;
let client: KubeClient;
let api: BaoApi;

async function condition(rt: typeof SECRET_STORES, name: string) {
  const obj = await client.get(rt, NS, name);
  return (obj?.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready") as
    | { status: string; reason?: string; message?: string }
    | undefined;
}

function kubernetesStore(name: string, serviceAccount: string, role = "app", audiences?: string[]) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: NS },
    spec: {
      provider: {
        vault: {
          server: bao!.addr,
          path: "secret",
          version: "v2",
          auth: {
            kubernetes: {
              mountPath: "kubernetes",
              role,
              serviceAccountRef: { name: serviceAccount, ...(audiences ? { audiences } : {}) },
            },
          },
        },
      },
    },
  };
}

before(async () => {
  const rc = await realComponents();
  const bins = await realBinaries();
  cp = await rc.startControlPlane({ assets: bins.assets });
  bao = await rc.startOpenBao({ bao: bins.bao });
  api = new BaoApi(bao.addr, bao.token);

  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  conn = await connectionFromKubeConfig(kc);
  client = new KubeClient(conn);
  for (const crd of allCRDs()) {
    await kubeRequest(conn, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  }
  for (const crd of allCRDs() as { metadata: { name: string } }[]) {
    await eventually(
      async () => {
        const r = await kubeRequest(
          conn,
          "GET",
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        );
        return (r.body?.status?.conditions ?? []).some((c: any) => c.type === "Established" && c.status === "True");
      },
      30_000,
      `CRD ${crd.metadata.name} established`,
    );
  }

  await client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  for (const name of ["eso-vault", "not-bound", "bao-reviewer"]) {
    await client.create(SERVICE_ACCOUNTS, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace: NS },
    });
  }
  await client.create(CLUSTER_ROLE_BINDINGS, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "bao-token-reviewer" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
    subjects: [{ kind: "ServiceAccount", name: "bao-reviewer", namespace: NS }],
  });
  const review = await kubeRequest(conn, "POST", `/api/v1/namespaces/${NS}/serviceaccounts/bao-reviewer/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 3600 },
  });
  assert.equal(review.status, 201, JSON.stringify(review.body));

  await api.enableAuth("kubernetes", "kubernetes");
  await api.call("POST", "auth/kubernetes/config", {
    kubernetes_host: cp.url,
    kubernetes_ca_cert: await readFile(cp.caFile, "utf8"),
    token_reviewer_jwt: review.body.status.token,
    disable_local_ca_jwt: true,
  });
  await api.policy("app-reader", `path "secret/data/app/*" { capabilities = ["read"] }`);
  await api.call("POST", "auth/kubernetes/role/app", {
    bound_service_account_names: ["eso-vault"],
    bound_service_account_namespaces: [NS],
    token_policies: ["app-reader"],
    token_ttl: "1h",
  });
  await api.putKv2("secret", "app/config", { api_key: "real-cluster-key" });

  controllers = await startControllers({ kubeConfig: kc, registry: new Registry(), storeRequeueMs: 60_000 });
  await controllers.synced();
});

after(async () => {
  await controllers?.stop();
  await bao?.stop();
  await cp?.stop();
});

describe("Vault kubernetes auth through a real kube-apiserver's TokenReview", () => {
  it("a TokenRequest token of the bound ServiceAccount logs in, and the ExternalSecret syncs", async () => {
    await client.create(SECRET_STORES, kubernetesStore("vault-k8s", "eso-vault"));
    const ready = await eventually(
      async () => {
        const c = await condition(SECRET_STORES, "vault-k8s");
        return c?.status ? c : undefined;
      },
      30_000,
      "store condition",
    );
    assert.equal(ready.status, "True", ready.message);
    await client.create(EXTERNAL_SECRETS, {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "app-config", namespace: NS },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "vault-k8s", kind: "SecretStore" },
        data: [{ secretKey: "api_key", remoteRef: { key: "app/config", property: "api_key" } }],
      },
    });
    const secret = await eventually(() => client.get(SECRETS, NS, "app-config"), 30_000, "Secret app-config");
    assert.equal(Buffer.from(secret.data.api_key, "base64").toString(), "real-cluster-key");
    const es = await client.get(EXTERNAL_SECRETS, NS, "app-config");
    assert.equal(es.metadata.uid, secret.metadata.ownerReferences?.[0]?.uid, "owned by its ExternalSecret");
  });

  it("a ServiceAccount the role does not bind is refused by OpenBao; the store says so without the token", async () => {
    await client.create(SECRET_STORES, kubernetesStore("vault-unbound", "not-bound"));
    const c = await eventually(
      async () => {
        const cond = await condition(SECRET_STORES, "vault-unbound");
        return cond?.status === "False" ? cond : undefined;
      },
      30_000,
      "unbound store not Ready",
    );
    assert.doesNotMatch(c.message ?? "", /eyJ/, "no token in the condition message");
  });

  it("a role with an audience accepts only tokens requested for it (serviceAccountRef.audiences)", async () => {
    await api.call("POST", "auth/kubernetes/role/app-aud", {
      bound_service_account_names: ["eso-vault"],
      bound_service_account_namespaces: [NS],
      audience: "openbao.test",
      token_policies: ["app-reader"],
    });
    const outcome = async (name: string) =>
      eventually(
        async () => {
          const c = await condition(SECRET_STORES, name);
          return c?.status ? c : undefined;
        },
        30_000,
        `${name} condition`,
      );
    await client.create(SECRET_STORES, kubernetesStore("vault-aud", "eso-vault", "app-aud", ["openbao.test"]));
    const ok = await outcome("vault-aud");
    assert.equal(ok.status, "True", ok.message);
    await client.create(SECRET_STORES, kubernetesStore("vault-no-aud", "eso-vault", "app-aud"));
    const refused = await outcome("vault-no-aud");
    assert.equal(refused.status, "False", "a token for the API server's own audience is refused");
  });

  it("OpenBao really asks the API server: a token of a deleted ServiceAccount is refused", async () => {
    await client.create(SERVICE_ACCOUNTS, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "short-lived", namespace: NS },
    });
    await api.call("POST", "auth/kubernetes/role/short", {
      bound_service_account_names: ["short-lived"],
      bound_service_account_namespaces: [NS],
      token_policies: ["app-reader"],
    });
    const minted = await kubeRequest(conn, "POST", `/api/v1/namespaces/${NS}/serviceaccounts/short-lived/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 600 },
    });
    const login = (jwt: string) =>
      fetch(`${bao!.addr}/v1/auth/kubernetes/login`, { method: "POST", body: JSON.stringify({ role: "short", jwt }) });
    assert.equal((await login(minted.body.status.token)).status, 200);
    await client.delete(SERVICE_ACCOUNTS, NS, "short-lived");
    // Same signature, issuer and expiry: only the API server knows the ServiceAccount is gone.
    await eventually(async () => (await login(minted.body.status.token)).status === 403, 30_000, "login refused");
  });
});
