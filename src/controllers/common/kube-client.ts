/**
 * The API calls the controllers make, over one connection: typed resource paths, 404 as undefined,
 * status subresource updates, and Events. Every call is a real HTTP request to the API server.
 */
import { KubeApiError, type KubeConnection, kubeGet, kubeRequest } from "../../providers/kubernetes/rest.js";

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
  constructor(readonly conn: KubeConnection) {}

  path(rt: ResourceType, namespace?: string, name?: string, sub?: string): string {
    let p = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
    if (rt.namespaced && namespace) p += `/namespaces/${enc(namespace)}`;
    p += `/${rt.plural}`;
    if (name !== undefined) p += `/${enc(name)}`;
    if (sub) p += `/${sub}`;
    return p;
  }

  get<T = any>(rt: ResourceType, namespace: string, name: string, signal?: AbortSignal): Promise<T | undefined> {
    return kubeGet<T>(this.conn, this.path(rt, namespace, name), signal);
  }

  async list<T = any>(rt: ResourceType, namespace?: string, labelSelector?: string): Promise<T[]> {
    const q = labelSelector ? `?labelSelector=${enc(labelSelector)}` : "";
    const res = await kubeRequest<{ items?: T[] }>(this.conn, "GET", this.path(rt, namespace) + q);
    return res.body?.items ?? [];
  }

  async create<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    return (await kubeRequest<T>(this.conn, "POST", this.path(rt, obj.metadata?.namespace), obj)).body;
  }

  async update<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const m = obj.metadata ?? {};
    return (await kubeRequest<T>(this.conn, "PUT", this.path(rt, m.namespace, m.name), obj)).body;
  }

  async updateStatus<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const m = obj.metadata ?? {};
    return (await kubeRequest<T>(this.conn, "PUT", this.path(rt, m.namespace, m.name, "status"), obj)).body;
  }

  /** Deletes; a missing object is not an error. Returns whether something was deleted. */
  async delete(rt: ResourceType, namespace: string, name: string): Promise<boolean> {
    try {
      await kubeRequest(this.conn, "DELETE", this.path(rt, namespace, name));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
