/**
 * The cluster as a user sees it: kubectl (with a given kubeconfig) for every write, and plain HTTPS GETs with the
 * admin credentials for the many reads a test polls with (a kubectl process per poll would eat the two cores).
 */
import { execFile } from "node:child_process";
import { request } from "node:https";
import { eventually } from "../../support/poll.js";
import type { ApiCredentials } from "./kubeconfig.js";

export type Obj = Record<string, any>;

/** Where a resource lives in the REST API: the group/version prefix and whether it is namespaced. */
const RESOURCES: Record<string, { prefix: string; namespaced: boolean }> = {
  secrets: { prefix: "/api/v1", namespaced: true },
  configmaps: { prefix: "/api/v1", namespaced: true },
  namespaces: { prefix: "/api/v1", namespaced: false },
  events: { prefix: "/api/v1", namespaced: true },
  leases: { prefix: "/apis/coordination.k8s.io/v1", namespaced: true },
  deployments: { prefix: "/apis/apps/v1", namespaced: true },
  statefulsets: { prefix: "/apis/apps/v1", namespaced: true },
  daemonsets: { prefix: "/apis/apps/v1", namespaced: true },
  externalsecrets: { prefix: "/apis/external-secrets.io/v1", namespaced: true },
  secretstores: { prefix: "/apis/external-secrets.io/v1", namespaced: true },
  clustersecretstores: { prefix: "/apis/external-secrets.io/v1", namespaced: false },
  clusterexternalsecrets: { prefix: "/apis/external-secrets.io/v1", namespaced: false },
  pushsecrets: { prefix: "/apis/external-secrets.io/v1alpha1", namespaced: true },
  generatorstates: { prefix: "/apis/generators.external-secrets.io/v1alpha1", namespaced: true },
  passwords: { prefix: "/apis/generators.external-secrets.io/v1alpha1", namespaced: true },
};

export class KubectlError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(`kubectl ${args.join(" ")} failed: ${stderr.trim()}`);
  }
}

export interface KubeOptions {
  kubectl: string;
  /** kubeconfig every kubectl call uses (the admin one for test set-up, as a cluster user would). */
  kubeconfig: string;
  /** API server URL, trust and identity for the polling reads. */
  api: ApiCredentials;
  /** Told of every object `apply` created (not updated), as kubectl names it (e.g. "namespace/gc"). */
  onCreated?: (ref: string, object: Obj) => void;
}

export class Kube {
  constructor(readonly opts: KubeOptions) {}

  /** Runs kubectl; rejects with a KubectlError carrying stderr (where admission denials appear). */
  async kubectl(args: string[], input?: string): Promise<string> {
    const full = ["--kubeconfig", this.opts.kubeconfig, ...args];
    return new Promise((resolve, reject) => {
      const child = execFile(this.opts.kubectl, full, { maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new KubectlError(args, `${stderr}`));
        else resolve(stdout);
      });
      child.stdin?.end(input ?? "");
    });
  }

  /**
   * `kubectl apply -f -`. Each object is sent as a JSON document: kubectl reads YAML 1.1, where an unquoted
   * `yes` written by a YAML 1.2 serializer would turn into a boolean.
   */
  async apply(objects: Obj | Obj[], extra: string[] = []): Promise<string> {
    const list = Array.isArray(objects) ? objects : [objects];
    const out = await this.kubectl(["apply", ...extra, "-f", "-"], list.map((o) => JSON.stringify(o)).join("\n---\n"));
    if (this.opts.onCreated) {
      // kubectl prints "<resource>[.<group>]/<name> created" for each new object, in input order.
      for (const m of out.matchAll(/^(([a-z0-9]+)(?:\.[^/\s]+)?\/(\S+)) created$/gm)) {
        const obj = list.find((o) => o.kind?.toLowerCase() === m[2] && o.metadata?.name === m[3]);
        if (obj) this.opts.onCreated(m[1] as string, obj);
      }
    }
    return out;
  }

  async createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    await this.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
  }

  /** Deletes without waiting for finalizers (there is no namespace controller or GC to finish some). */
  async delete(resource: string, namespace: string | undefined, name: string): Promise<void> {
    const ns = namespace ? ["-n", namespace] : [];
    await this.kubectl(["delete", resource, name, ...ns, "--wait=false", "--ignore-not-found"]);
  }

  /** `kubectl patch --type merge`. */
  async patch(resource: string, namespace: string | undefined, name: string, patch: Obj): Promise<void> {
    const ns = namespace ? ["-n", namespace] : [];
    await this.kubectl(["patch", resource, name, ...ns, "--type", "merge", "-p", JSON.stringify(patch)]);
  }

  /** GET of one object through the REST API; undefined when it does not exist. */
  async get(resource: string, namespace: string | undefined, name: string): Promise<Obj | undefined> {
    const r = RESOURCES[resource];
    if (!r) throw new Error(`unknown resource ${resource}`);
    const path = `${r.prefix}${r.namespaced ? `/namespaces/${namespace}` : ""}/${resource}/${name}`;
    const { status, body } = await this.rest(path);
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${body.slice(0, 300)}`);
    return JSON.parse(body) as Obj;
  }

  /** GET of a list; `query` is appended as is (e.g. labelSelector=...). */
  async list(resource: string, namespace?: string, query = ""): Promise<Obj[]> {
    const r = RESOURCES[resource];
    if (!r) throw new Error(`unknown resource ${resource}`);
    const path = `${r.prefix}${r.namespaced && namespace ? `/namespaces/${namespace}` : ""}/${resource}${query ? `?${query}` : ""}`;
    const { status, body } = await this.rest(path);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${body.slice(0, 300)}`);
    return (JSON.parse(body) as Obj).items as Obj[];
  }

  /** The decoded data of a Secret, or undefined when there is no such Secret. */
  async secretData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const s = await this.get("secrets", namespace, name);
    if (!s) return undefined;
    return Object.fromEntries(
      Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, "base64").toString(),
      ]),
    );
  }

  /** The Ready condition of an object's status, if any. */
  async ready(resource: string, namespace: string | undefined, name: string): Promise<Obj | undefined> {
    const o = await this.get(resource, namespace, name);
    return (o?.status?.conditions as Obj[] | undefined)?.find((c) => c.type === "Ready");
  }

  /** Waits until the object's Ready condition has `status` ("True" by default) and returns the condition. */
  async waitReady(
    resource: string,
    namespace: string | undefined,
    name: string,
    status = "True",
    timeoutMs = 30_000,
  ): Promise<Obj> {
    return eventually(
      async () => {
        const c = await this.ready(resource, namespace, name);
        return c?.status === status ? c : undefined;
      },
      { ...clusterPoll, timeoutMs, what: `${resource} ${namespace ? `${namespace}/` : ""}${name} Ready=${status}` },
    );
  }

  private async rest(path: string): Promise<{ status: number; body: string }> {
    const api = this.opts.api;
    if (api.viaKubectl) {
      try {
        return { status: 200, body: await this.kubectl(["get", "--raw", path]) };
      } catch (err) {
        if (err instanceof KubectlError && /\(NotFound\)|not found/i.test(err.stderr)) return { status: 404, body: "" };
        throw err;
      }
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (api.token) headers.authorization = `Bearer ${api.token}`;
    else if (api.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${api.username}:${api.password ?? ""}`).toString("base64")}`;
    }
    return new Promise((resolve, reject) => {
      const req = request(
        `${api.url}${path}`,
        {
          ca: api.ca,
          rejectUnauthorized: !api.insecure,
          cert: api.cert,
          key: api.key,
          headers,
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.on("error", reject);
      req.end();
    });
  }
}

/**
 * Polling options for the real-component suite (with test/support/poll.ts's `eventually`): generous, because the
 * machine is two shared cores running etcd, kube-apiserver and the operator's processes.
 */
export const clusterPoll = { timeoutMs: 30_000, intervalMs: 250 } as const;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
