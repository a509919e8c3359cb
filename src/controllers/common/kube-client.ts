/**
 * The API calls the controllers make, over one connection: typed resource paths, 404 as undefined,
 * status subresource updates, and Events. Every call is a real HTTP request to the API server.
 */
import { KubeApiError, type KubeConnection, kubeRequest } from "../../providers/kubernetes/rest.js";
import { ApiError, type KubeClient as RuntimeKubeClient } from "../../runtime/client.js";

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const SECRETS: ResourceType = { group: "", version: "v1", plural: "secrets", namespaced: true };
export const CONFIGMAPS: ResourceType = { group: "", version: "v1", plural: "configmaps", namespaced: true };
export const NAMESPACES: ResourceType = { group: "", version: "v1", plural: "namespaces", namespaced: false };
export const EVENTS: ResourceType = { group: "", version: "v1", plural: "events", namespaced: true };
export const EXTERNAL_SECRETS: ResourceType = {
  group: "external-secrets.io",
  version: "v1",
  plural: "externalsecrets",
  namespaced: true,
};
export const SECRET_STORES: ResourceType = {
  group: "external-secrets.io",
  version: "v1",
  plural: "secretstores",
  namespaced: true,
};
export const CLUSTER_SECRET_STORES: ResourceType = {
  group: "external-secrets.io",
  version: "v1",
  plural: "clustersecretstores",
  namespaced: false,
};
export const CLUSTER_EXTERNAL_SECRETS: ResourceType = {
  group: "external-secrets.io",
  version: "v1",
  plural: "clusterexternalsecrets",
  namespaced: false,
};

export function generatorResource(kind: string): ResourceType {
  return {
    group: "generators.external-secrets.io",
    version: "v1alpha1",
    plural: `${kind.toLowerCase()}s`,
    namespaced: kind !== "ClusterGenerator",
  };
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 409 && err.reason === "AlreadyExists";
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

const enc = encodeURIComponent;

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export class KubeClient {
  /**
   * With `runtime`, every call shares the runtime client's keep-alive agent, QPS/burst limiter, 429 handling
   * and request metrics; without it (tools, tests) calls go straight over `conn`.
   */
  constructor(
    readonly conn: KubeConnection,
    private readonly runtime?: RuntimeKubeClient,
  ) {}

  path(rt: ResourceType, namespace?: string, name?: string, sub?: string): string {
    let p = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
    if (rt.namespaced && namespace) p += `/namespaces/${enc(namespace)}`;
    p += `/${rt.plural}`;
    if (name !== undefined) p += `/${enc(name)}`;
    if (sub) p += `/${sub}`;
    return p;
  }

  /** One request; non-2xx statuses throw KubeApiError (verb, path and the server's message, never bodies). */
  async send<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    if (!this.runtime) return (await kubeRequest<T>(this.conn, method, path, body, opts)).body;
    try {
      return await this.runtime.request<T>({ method, path, body, contentType: opts.contentType, signal: opts.signal });
    } catch (err) {
      if (err instanceof ApiError) throw new KubeApiError(`${method} ${path}: ${err.message}`, err.code, err.reason);
      throw err;
    }
  }

  async get<T = any>(rt: ResourceType, namespace: string, name: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.send<T>("GET", this.path(rt, namespace, name), undefined, { signal });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * What a local cache knows of an object without asking the server: `{ object }` when cached, `{}` when the
   * cache has no such object (it may still exist outside what the cache watches), undefined when there is no
   * cache to ask. This client has none.
   */
  peek<T = any>(_rt: ResourceType, _namespace: string, _name: string): { object?: T } | undefined {
    return undefined;
  }

  async list<T = any>(rt: ResourceType, namespace?: string, labelSelector?: string): Promise<T[]> {
    const q = labelSelector ? `?labelSelector=${enc(labelSelector)}` : "";
    const res = await this.send<{ items?: T[] }>("GET", this.path(rt, namespace) + q);
    return res?.items ?? [];
  }

  create<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    return this.send<T>("POST", this.path(rt, obj.metadata?.namespace), obj);
  }

  update<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const m = obj.metadata ?? {};
    return this.send<T>("PUT", this.path(rt, m.namespace, m.name), obj);
  }

  updateStatus<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const m = obj.metadata ?? {};
    return this.send<T>("PUT", this.path(rt, m.namespace, m.name, "status"), obj);
  }

  /** JSON merge patch (RFC 7386): sets only the fields in `patch`, whatever else the object holds. */
  async mergePatch<T extends KubeObject>(
    rt: ResourceType,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T> {
    return this.send<T>("PATCH", this.path(rt, namespace, name), patch, {
      contentType: "application/merge-patch+json",
    });
  }

  /** Deletes; a missing object is not an error. Returns whether something was deleted. */
  async delete(rt: ResourceType, namespace: string, name: string): Promise<boolean> {
    try {
      await this.send("DELETE", this.path(rt, namespace, name));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
