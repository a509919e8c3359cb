/**
 * The test world: an in-process API server (bare, or with the ESO CRDs installed and the controllers running
 * against it over HTTP), and small helpers to create objects and read them back.
 */
import { after, before } from "node:test";
import { Registry } from "prom-client";
import { allCRDs } from "../../src/api/crds.js";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import {
  type RunningControllers,
  type StartControllersOptions,
  startControllers,
} from "../../src/controllers/index.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_SECRET_STORES,
  CUSTOM_RESOURCE_DEFINITIONS,
  EXTERNAL_SECRETS,
  KubeClient,
  NAMESPACES,
  type ResourceDescriptor,
  resourcePath,
  SECRET_STORES,
  SECRETS,
} from "../../src/kube/index.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";
import { eventually } from "./poll.js";

export { CLUSTER_EXTERNAL_SECRETS, CLUSTER_SECRET_STORES, EXTERNAL_SECRETS, NAMESPACES, SECRET_STORES, SECRETS };

/** A bare API server (no CRDs, no controllers) and an unthrottled client against it, for runtime tests. */
export interface Env {
  api: ApiServer;
  client: KubeClient;
  metrics: RuntimeMetrics;
  close(): Promise<void>;
}

export async function env(opts: { watchHistory?: number } = {}): Promise<Env> {
  const api = await startApiServer({ watchHistory: opts.watchHistory });
  const metrics = new RuntimeMetrics();
  const client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0, metrics });
  return {
    api,
    client,
    metrics,
    async close() {
      client.close();
      await api.stop();
    },
  };
}

export interface Harness {
  api: ApiServer;
  client: KubeClient;
  controllers: RunningControllers;
  registry: Registry;
  stop(): Promise<void>;
}

/** An API server with the ESO CRDs installed and an admin client talking to it directly. */
export interface Cluster {
  api: ApiServer;
  client: KubeClient;
  stop(): Promise<void>;
}

export async function startCluster(opts: { watchHistory?: number } = {}): Promise<Cluster> {
  const api = await startApiServer({ watchHistory: opts.watchHistory });
  const client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
  for (const crd of allCRDs()) {
    await client.request({ method: "POST", path: resourcePath(CUSTOM_RESOURCE_DEFINITIONS), body: crd });
  }
  return {
    api,
    client,
    stop: async () => {
      client.close();
      await api.stop();
    },
  };
}

/** A cluster (as `startCluster`) with the controllers running against it over HTTP. */
export async function startHarness(options: Partial<StartControllersOptions> = {}): Promise<Harness> {
  const { api, client, stop } = await startCluster();
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
      await stop();
    },
  };
}

/**
 * Registers hooks that start a harness before the file's tests (then run `setup`) and stop it after them.
 * The returned object is filled in by the before hook, so tests and later hooks can use it directly.
 */
export function useHarness(
  options: Partial<StartControllersOptions> = {},
  setup?: (h: Harness) => Promise<void>,
): Harness {
  const h = {} as Harness;
  before(async () => {
    Object.assign(h, await startHarness(options));
    await setup?.(h);
  });
  after(async () => {
    await h.stop?.();
  });
  return h;
}

/** Sets environment variables; the returned function puts back what was there before. */
export function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export async function createNamespace(
  h: { client: KubeClient },
  name: string,
  labels?: Record<string, string>,
): Promise<void> {
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

/** Creates a SecretStore (namespace set) or ClusterSecretStore and waits until it is Ready. */
export async function createReadyStore(
  h: Harness,
  store: { kind: string; metadata: { name: string; namespace?: string }; [field: string]: unknown },
  timeoutMs = 15_000,
): Promise<void> {
  const rt = store.kind === "ClusterSecretStore" ? CLUSTER_SECRET_STORES : SECRET_STORES;
  const ns = store.metadata.namespace ?? "";
  await h.client.create(rt, store as never);
  await eventually(async () => (await readyCondition(h, rt, ns, store.metadata.name))?.status === "True", {
    timeoutMs,
    what: `${store.kind} ${ns ? `${ns}/` : ""}${store.metadata.name} Ready`,
  });
}

/** A SecretStore for AWS Secrets Manager (us-east-1) with static keys read from Secret `credSecret` (id, secret). */
export function awsStoreManifest(namespace: string, name: string, credSecret: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region: "us-east-1",
          auth: {
            secretRef: {
              accessKeyIDSecretRef: { name: credSecret, key: "id" },
              secretAccessKeySecretRef: { name: credSecret, key: "secret" },
            },
          },
        },
      },
    },
  };
}

/** A SecretStore "vault" for KV v2 at mount "secret" on `server`, with the token in Secret vault-token (key token). */
export function vaultTokenStoreManifest(namespace: string, server: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "vault", namespace },
    spec: {
      provider: {
        vault: {
          server,
          path: "secret",
          version: "v2",
          auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
        },
      },
    },
  };
}

/** Creates the credentials Secret and an AWS SecretStore using it, and waits until the store is Ready. */
export async function createAwsStore(
  h: Harness,
  namespace: string,
  name: string,
  credSecret: string,
  [id, secret]: readonly [string, string],
): Promise<void> {
  await h.client.create(SECRETS, secretManifest(namespace, credSecret, { id, secret }));
  await createReadyStore(h, awsStoreManifest(namespace, name, credSecret));
}

/** A v1 Secret manifest; `data` values are given as plain strings. */
export function secretManifest(
  namespace: string,
  name: string,
  data: Record<string, string>,
  labels?: Record<string, string>,
) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
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

/** The decoded data of a Secret ({} when it does not exist). */
export async function secretData(h: Harness, namespace: string, name: string): Promise<Record<string, string>> {
  return decoded(await h.client.get(SECRETS, namespace, name));
}

/** Waits until the Secret exists and returns its decoded data. */
export async function waitForSecretData(
  h: Harness,
  namespace: string,
  name: string,
  timeoutMs = 15_000,
): Promise<Record<string, string>> {
  const secret = await eventually(() => h.client.get(SECRETS, namespace, name), {
    timeoutMs,
    what: `Secret ${namespace}/${name}`,
  });
  return decoded(secret);
}

/** Any annotation change makes the ExternalSecret sync now (upstream's force-sync idiom); retries conflicts. */
export async function forceSync(
  h: Harness,
  namespace: string,
  name: string,
  patch: (es: any) => void = () => {},
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const es = await h.client.get(EXTERNAL_SECRETS, namespace, name);
    es.metadata.annotations = { ...(es.metadata.annotations ?? {}), "force-sync": `${Date.now()}-${attempt}` };
    patch(es);
    try {
      await h.client.update(EXTERNAL_SECRETS, es);
      return;
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

export async function readyCondition(h: Harness, rt: ResourceDescriptor, namespace: string, name: string) {
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
