/**
 * An in-process API server with the ESO CRDs installed, the controllers running against it over HTTP,
 * and small helpers to create objects and poll for conditions.
 */
import { Registry } from "prom-client";
import { allCRDs } from "../../src/api/crds.js";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_SECRET_STORES,
  EXTERNAL_SECRETS,
  KubeClient,
  NAMESPACES,
  type ResourceType,
  SECRET_STORES,
  SECRETS,
} from "../../src/controllers/common/kube-client.js";
import {
  type RunningControllers,
  type StartControllersOptions,
  startControllers,
} from "../../src/controllers/index.js";
import { connectionFromKubeConfig } from "../../src/providers/kube-access.js";
import "../../src/providers/all.js";
import { kubeRequest } from "../../src/providers/kubernetes/rest.js";

export { CLUSTER_EXTERNAL_SECRETS, CLUSTER_SECRET_STORES, EXTERNAL_SECRETS, NAMESPACES, SECRET_STORES, SECRETS };

export interface Harness {
  api: ApiServer;
  client: KubeClient;
  controllers: RunningControllers;
  registry: Registry;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<StartControllersOptions> = {}): Promise<Harness> {
  const api = await startApiServer();
  const conn = await connectionFromKubeConfig(api.kubeConfig());
  const client = new KubeClient(conn);
  for (const crd of allCRDs()) {
    await kubeRequest(conn, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  }
  const registry = new Registry();
  const controllers = await startControllers({
    kubeConfig: api.kubeConfig(),
    registry,
    storeRequeueMs: 60_000,
    ...options,
  });
  await controllers.synced();
  return {
    api,
    client,
    controllers,
    registry,
    stop: async () => {
      await controllers.stop();
      await api.stop();
    },
  };
}

/** Polls `fn` until it returns a truthy value; fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out waiting for ${what}; last value: ${JSON.stringify(last)} ${lastErr ? String(lastErr) : ""}`,
  );
}

export async function createNamespace(h: Harness, name: string, labels?: Record<string, string>): Promise<void> {
  await h.client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
}

export function fakeStore(
  name: string,
  namespace: string | undefined,
  data: { key: string; value: string; version?: string }[],
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: namespace ? "SecretStore" : "ClusterSecretStore",
    metadata: namespace ? { name, namespace } : { name },
    spec: { provider: { fake: { data } }, ...extra },
  };
}

export function externalSecret(name: string, namespace: string, spec: Record<string, unknown>, meta = {}) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, namespace, ...meta },
    spec,
  };
}

export function decoded(secret: { data?: Record<string, string> } | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
  );
}

export async function readyCondition(h: Harness, rt: ResourceType, namespace: string, name: string) {
  const obj = await h.client.get(rt, namespace, name);
  return (obj?.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready") as
    | { status: string; reason?: string; message?: string }
    | undefined;
}

/** Writes to Secrets (create/update/patch/delete) counted by the API server since the last reset. */
export function secretWrites(h: Harness): number {
  let n = 0;
  for (const [k, v] of Object.entries(h.api.requestCounts())) {
    const [verb, resource] = k.split(" ");
    if (resource === "secrets" && ["create", "update", "patch", "delete", "deletecollection"].includes(verb!)) n += v;
  }
  return n;
}
