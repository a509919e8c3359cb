/**
 * The local sandbox: the in-process API server with the CRDs installed, the controllers running against
 * it over HTTP, the demo manifests applied, and a live view of what syncs. Also the two demonstrations:
 * rotating a value at the (fake) provider (which also rolls a Deployment that reads the Secret), and tampering
 * with a managed Secret so drift is restored.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { type ApiServer, startApiServer } from "../apiserver/index.js";
import { type RunningControllers, startControllers } from "../controllers/index.js";
import {
  EXTERNAL_SECRETS,
  isConflict,
  KubeClient,
  type KubeObject,
  type ResourceDescriptor,
  SECRET_STORES,
  SECRETS,
} from "../kube/index.js";
import type { Logger } from "../runtime/logger.js";
import { createMissing, installCRDs } from "./apply.js";
import { DEMO } from "./demo.js";
import { loadManifests, type Manifest } from "./manifests.js";
import { DEMO_ROLLOUT_INTERVAL_MS, describeRollout, ensureDemoDeployment, lastRollout } from "./rollout-demo.js";
import { type ExternalSecretState, SyncView } from "./view.js";

/** examples/sandbox/ of this package, found from the compiled module's location. */
export function defaultManifestDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "examples", "sandbox");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error("examples/sandbox not found above the eso installation; pass --manifests DIR");
    dir = up;
  }
}

export interface SandboxOptions {
  port?: number;
  dataDir?: string;
  kubeconfigPath: string;
  manifestDir?: string;
  logger?: Logger;
  /** Progress lines and the live view. */
  write: (line: string) => void;
}

export interface Sandbox {
  url: string;
  kubeconfigPath: string;
  /** Demo ExternalSecrets ("namespace/name"). */
  externalSecrets: string[];
  view: SyncView;
  /** Creates the demo objects that do not exist yet (objects kept in --data-dir are left alone). */
  apply(): Promise<{ created: string[]; kept: string[] }>;
  waitUntilReady(timeoutMs: number): Promise<ExternalSecretState[]>;
  rotate(): Promise<{ waitApplied(timeoutMs: number): Promise<void> }>;
  tamper(): Promise<{ waitRestored(timeoutMs: number): Promise<void> }>;
  keysOf(namespace: string, secret: string): Promise<string[]>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new Error(`stopped while waiting for ${what}`);
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
}

/**
 * Read-modify-write of one object, re-read on a conflict (the controllers write the same objects). `change`
 * returns false to leave the object alone. Resolves whether it was written (false: missing or left alone).
 */
async function modify<T extends KubeObject>(
  client: KubeClient,
  rt: ResourceDescriptor,
  namespace: string,
  name: string,
  change: (obj: T) => boolean,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const obj = await client.get<T>(rt, namespace, name);
    if (!obj || !change(obj)) return false;
    try {
      await client.update(rt, obj);
      return true;
    } catch (err) {
      if (!isConflict(err) || attempt === 5) throw err;
    }
  }
}

function dataOf(secret: { data?: Record<string, string> } | undefined, key: string): string | undefined {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8");
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const manifests = (await loadManifests([opts.manifestDir ?? defaultManifestDir()])).map((m) => m.obj);
  const stops: (() => Promise<void>)[] = [];
  const closing = new AbortController();
  const stopAll = async () => {
    closing.abort();
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const api: ApiServer = await startApiServer({ port: opts.port, dataDir: opts.dataDir });
    stops.push(() => api.stop());
    opts.write(`API server listening on ${api.url}${opts.dataDir ? ` (state kept in ${opts.dataDir})` : ""}`);
    const kubeConfig = api.kubeConfig();
    const client = new KubeClient({ kubeConfig, logger: opts.logger });
    stops.push(async () => client.close());
    const crds = await installCRDs(client);
    opts.write(`installed ${crds} CustomResourceDefinitions (external-secrets.io v1 and v1beta1, generators)`);

    const controllers: RunningControllers = await startControllers({
      kubeConfig,
      runtimeClient: client,
      registry: new Registry(),
      logger: opts.logger,
      enableWorkloadRollouts: true,
      workloadRolloutIntervalMs: DEMO_ROLLOUT_INTERVAL_MS,
    });
    stops.push(() => controllers.stop());
    await controllers.synced();
    opts.write(`controllers started: ${controllers.controllers.map((c) => c.name).join(", ")}`);

    const view = new SyncView(client, opts.write);
    stops.push(() => view.stop());
    await view.start();
    view.enable();
    await mkdir(dirname(opts.kubeconfigPath), { recursive: true, mode: 0o700 });
    await api.writeKubeconfig(opts.kubeconfigPath);

    const externalSecrets = manifests
      .filter((m: Manifest) => m.kind === "ExternalSecret")
      .map((m) => `${m.metadata.namespace ?? "default"}/${m.metadata.name}`);

    const sandbox: Sandbox = {
      url: api.url,
      kubeconfigPath: opts.kubeconfigPath,
      externalSecrets,
      view,
      async apply() {
        const result = await createMissing(client, manifests);
        if (await ensureDemoDeployment(client)) {
          opts.write(
            `created Deployment ${DEMO.namespace}/${DEMO.deployment} (reloader.stakater.com/auto: a rotation rolls it)`,
          );
        }
        const from = opts.manifestDir ?? "examples/sandbox/";
        if (result.created.length > 0) opts.write(`applied ${result.created.length} demo object(s) from ${from}`);
        if (result.kept.length > 0) {
          opts.write(`kept ${result.kept.length} object(s) already in the data dir as they were`);
        }
        return result;
      },
      async waitUntilReady(timeoutMs) {
        const pending = () =>
          externalSecrets.filter((id) => {
            const [ns, name] = id.split("/") as [string, string];
            const s = view.state(ns, name);
            return !s?.ready || !s.synced;
          });
        try {
          await until(
            "the demo ExternalSecrets to become Ready",
            timeoutMs,
            async () => pending().length === 0,
            closing.signal,
          );
        } catch (err) {
          const detail = pending().map((id) => {
            const [ns, name] = id.split("/") as [string, string];
            const s = view.state(ns, name);
            return `  ${id}: ${s?.reason ? `${s.reason}: ${s.message}` : "not synced yet"}`;
          });
          throw new Error(`${(err as Error).message}; not Ready:\n${detail.join("\n")}`);
        }
        return view.states().filter((s) => externalSecrets.includes(`${s.namespace}/${s.name}`));
      },
      async rotate() {
        const { namespace, store: storeName, rotatedKey } = DEMO;
        const value = `tok-${randomBytes(6).toString("hex")}`;
        const rolledBefore = await lastRollout(client);
        const rotated = await modify<KubeObject & { spec: any }>(
          client,
          SECRET_STORES,
          namespace,
          storeName,
          (store) => {
            const entry = (store.spec?.provider?.fake?.data ?? []).find((d: { key: string }) => d.key === rotatedKey);
            if (entry) entry.value = value;
            return entry !== undefined;
          },
        );
        if (!rotated) {
          throw new Error(
            `cannot rotate: SecretStore ${namespace}/${storeName} with fake entry ${rotatedKey} not found`,
          );
        }
        // Ask for an immediate refresh instead of waiting for refreshInterval, as users do with kubectl annotate.
        await modify<KubeObject>(client, EXTERNAL_SECRETS, namespace, DEMO.externalSecret, (es) => {
          es.metadata = es.metadata ?? {};
          es.metadata.annotations = { ...(es.metadata.annotations ?? {}), "force-sync": String(Date.now()) };
          return true;
        });
        opts.write(
          `rotated ${rotatedKey} in SecretStore ${namespace}/${storeName} and annotated ExternalSecret ${namespace}/${DEMO.externalSecret} with force-sync`,
        );
        const applied = until(
          `Secret ${namespace}/${DEMO.secret} to carry the rotated value`,
          60_000,
          async () => {
            const s = await client.get(SECRETS, namespace, DEMO.secret);
            return dataOf(s, DEMO.rotatedSecretKey) === value;
          },
          closing.signal,
        );
        // The Deployment rolls once the new data is written (at most once per demo rollout interval).
        let rolled = "";
        const rollout = until(
          `Deployment ${namespace}/${DEMO.deployment} to roll`,
          60_000 + DEMO_ROLLOUT_INTERVAL_MS,
          async () => {
            rolled = await lastRollout(client);
            return rolled !== "" && rolled !== rolledBefore;
          },
          closing.signal,
        ).then(() => opts.write(describeRollout(rolled)));
        applied.catch(() => {});
        rollout.catch(() => {});
        const bounded = async (p: Promise<void>, timeoutMs: number, what: string) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<never>((_, reject) => {
            const message = `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`;
            timer = setTimeout(() => reject(new Error(message)), timeoutMs);
          });
          try {
            await Promise.race([p, late]);
          } finally {
            clearTimeout(timer);
          }
        };
        return {
          waitApplied: async (timeoutMs) => {
            await bounded(applied, timeoutMs, `Secret ${namespace}/${DEMO.secret} to carry the rotated value`);
            await bounded(
              rollout,
              timeoutMs + DEMO_ROLLOUT_INTERVAL_MS,
              `Deployment ${namespace}/${DEMO.deployment} to roll`,
            );
          },
        };
      },
      async tamper() {
        const { namespace, secret: name, tamperedSecretKey: key } = DEMO;
        const tampered = `tampered-${randomBytes(4).toString("hex")}`;
        const written = await modify<KubeObject & { data?: Record<string, string> }>(
          client,
          SECRETS,
          namespace,
          name,
          (secret) => {
            secret.data = { ...(secret.data ?? {}), [key]: Buffer.from(tampered).toString("base64") };
            return true;
          },
        );
        if (!written) throw new Error(`cannot tamper: Secret ${namespace}/${name} does not exist yet`);
        opts.write(`tampered with Secret ${namespace}/${name}: overwrote key ${key} by hand`);
        return {
          waitRestored: (timeoutMs) =>
            until(
              `Secret ${namespace}/${name} to be restored`,
              timeoutMs,
              async () => {
                const s = await client.get(SECRETS, namespace, name);
                const now = dataOf(s, key);
                return now !== undefined && now !== tampered;
              },
              closing.signal,
            ),
        };
      },
      async keysOf(namespace, name) {
        const s = await client.get<{ data?: Record<string, string> }>(SECRETS, namespace, name);
        return Object.keys(s?.data ?? {}).sort();
      },
      stop: stopAll,
    };
    return sandbox;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
