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
import { type RunningControllers, startControllers } from "../../src/controllers/index.js";
import {
  CUSTOM_RESOURCE_DEFINITIONS,
  EXTERNAL_SECRETS,
  KubeClient,
  NAMESPACES,
  resourcePath,
  SECRET_STORES,
  SECRETS,
  SERVICE_ACCOUNTS,
} from "../../src/kube/index.js";

import { eventually } from "../support/poll.js";
import { BaoApi } from "./providers/openbao-api.js";
import { realBinaries, realComponents } from "./providers/real-components.js";
import type { ControlPlane } from "./support/components.js";

const NS = "apps";
const CLUSTER_ROLE_BINDINGS = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  plural: "clusterrolebindings",
  namespaced: false,
};

let cp: ControlPlane | undefined;
let bao: { addr: string; token: string; stop(): Promise<void> } | undefined;
let controllers: RunningControllers | undefined;
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
  client = new KubeClient({ kubeConfig: kc, qps: 0 });
  for (const crd of allCRDs()) {
    await client.request({ method: "POST", path: resourcePath(CUSTOM_RESOURCE_DEFINITIONS), body: crd });
  }
  for (const crd of allCRDs() as { metadata: { name: string } }[]) {
    await eventually(
      async () => {
        const r = await client.get(CUSTOM_RESOURCE_DEFINITIONS, "", crd.metadata.name);
        return (r?.status?.conditions ?? []).some((c: any) => c.type === "Established" && c.status === "True");
      },
      { timeoutMs: 30_000, what: `CRD ${crd.metadata.name} established` },
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
  const reviewerToken = await client.createToken(NS, "bao-reviewer", { audiences: [], expirationSeconds: 3600 });

  await api.enableAuth("kubernetes", "kubernetes");
  await api.call("POST", "auth/kubernetes/config", {
    kubernetes_host: cp.url,
    kubernetes_ca_cert: await readFile(cp.caFile, "utf8"),
    token_reviewer_jwt: reviewerToken,
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
      { timeoutMs: 30_000, what: "store condition" },
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
    const secret = await eventually(() => client.get(SECRETS, NS, "app-config"), {
      timeoutMs: 30_000,
      what: "Secret app-config",
    });
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
      { timeoutMs: 30_000, what: "unbound store not Ready" },
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
        { timeoutMs: 30_000, what: `${name} condition` },
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
    const minted = await client.createToken(NS, "short-lived", { audiences: [], expirationSeconds: 600 });
    const login = (jwt: string) =>
      fetch(`${bao!.addr}/v1/auth/kubernetes/login`, { method: "POST", body: JSON.stringify({ role: "short", jwt }) });
    assert.equal((await login(minted)).status, 200);
    await client.delete(SERVICE_ACCOUNTS, NS, "short-lived");
    // Same signature, issuer and expiry: only the API server knows the ServiceAccount is gone.
    await eventually(async () => (await login(minted)).status === 403, { timeoutMs: 30_000, what: "login refused" });
  });
});
