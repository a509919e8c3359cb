/**
 * The typed Kubernetes client every part of the operator uses: objects by resource, 404 as undefined on reads
 * and deletes, status and server-side apply, watches and TokenRequests. Every call is a real HTTP request
 * through one `KubeTransport` (its limiter, retries, size cap and metrics); clients built on the same transport
 * share them.
 */
import { isNotFound } from "./errors.js";
import type { KubeList, KubeObject, ListMeta, Stored } from "./object.js";
import { type ResourceDescriptor, resourcePath, SERVICE_ACCOUNTS } from "./resources.js";
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  KubeTransport,
  type KubeTransportOptions,
  type Query,
  type RequestOptions,
  type WatchEvent,
} from "./transport.js";

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export type PatchType = "merge" | "json" | "strategic" | "apply";

const patchContentTypes: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

export interface PatchOptions {
  subresource?: string;
  fieldManager?: string;
  force?: boolean;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
  signal?: AbortSignal;
}

/** etcd's default request limit: no stored object is larger. */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export class KubeClient {
  readonly transport: KubeTransport;

  /** Over `transport` (shared with other clients), or over a new one built from `options`. */
  constructor(transportOrOptions: KubeTransport | KubeTransportOptions) {
    this.transport =
      transportOrOptions instanceof KubeTransport ? transportOrOptions : new KubeTransport(transportOrOptions);
  }

  /** Closes the transport's sockets (for every client sharing it). */
  close(): void {
    this.transport.close();
  }

  /** One request to any path (discovery, reviews, subresources the typed calls do not cover). */
  request<T = unknown>(opts: RequestOptions): Promise<T> {
    return this.transport.request<T>(opts);
  }

  /** The object, or undefined when it does not exist. */
  async get<T = any>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: "GET", path: resourcePath(rd, namespace, name), signal });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * What a local cache knows of an object without asking the server: `{ object }` when cached, `{}` when the
   * cache has no such object (it may still exist outside what the cache watches), undefined when there is no
   * cache to ask. This client has none (see CachedKubeClient).
   */
  peek<T = any>(_rd: ResourceDescriptor, _namespace: string, _name: string): { object?: T } | undefined {
    return undefined;
  }

  /** Every object of the resource (in `namespace`, matching `labelSelector`), in one request. */
  async list<T = any>(
    rd: ResourceDescriptor,
    namespace?: string,
    labelSelector?: string,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const page = await this.request<{ items?: T[] }>({
      method: "GET",
      path: resourcePath(rd, namespace),
      query: { labelSelector },
      signal,
    });
    return page?.items ?? [];
  }

  /** One page of a list (`limit`, `continue`), with the list's resourceVersion. */
  listPage<T extends KubeObject = KubeObject>(rd: ResourceDescriptor, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({
      method: "GET",
      path: resourcePath(rd, opts.namespace),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
      },
      signal: opts.signal,
      // A page of `limit` objects may legitimately be that many times the largest object.
      maxResponseBytes: opts.limit ? Math.max(DEFAULT_MAX_RESPONSE_BYTES, opts.limit * MAX_OBJECT_BYTES) : undefined,
    });
  }

  /**
   * Every page of a list. `mapItem` runs on each item as its page arrives, so a caller that keeps only part of
   * each object (e.g. metadata) never holds more than one page of full objects.
   */
  async listAll<T extends KubeObject = KubeObject>(
    rd: ResourceDescriptor,
    opts: ListOptions = {},
    mapItem: (item: Stored<T>) => Stored<T> = (item) => item,
  ): Promise<{ items: Stored<T>[]; metadata: ListMeta }> {
    const items: Stored<T>[] = [];
    let cont: string | undefined;
    let meta: ListMeta = {};
    do {
      const page = await this.listPage<T>(rd, { ...opts, continue: cont });
      for (const item of page.items ?? []) items.push(mapItem(item));
      meta = page.metadata ?? {};
      cont = meta.continue || undefined;
    } while (cont);
    return { items, metadata: meta };
  }

  /** Watches the resource; see KubeTransport.watch. */
  watch<T extends KubeObject = KubeObject>(
    rd: ResourceDescriptor,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<Stored<T>>) => void,
  ): Promise<void> {
    const query: Query = {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks,
      timeoutSeconds: opts.timeoutSeconds,
    };
    return this.transport.watch(resourcePath(rd, opts.namespace), query, onEvent, opts.signal);
  }

  create<T extends KubeObject>(rd: ResourceDescriptor, obj: T, signal?: AbortSignal): Promise<Stored<T>> {
    return this.request<Stored<T>>({
      method: "POST",
      path: resourcePath(rd, obj.metadata?.namespace),
      body: obj,
      signal,
    });
  }

  /** PUT; fails with a conflict when `metadata.resourceVersion` is stale. */
  update<T extends KubeObject>(rd: ResourceDescriptor, obj: T, signal?: AbortSignal): Promise<Stored<T>> {
    const m = obj.metadata ?? {};
    return this.request<Stored<T>>({ method: "PUT", path: resourcePath(rd, m.namespace, m.name), body: obj, signal });
  }

  /** PUT of the status subresource (the rest of `obj` is ignored by the server). */
  updateStatus<T extends KubeObject>(rd: ResourceDescriptor, obj: T, signal?: AbortSignal): Promise<Stored<T>> {
    const m = obj.metadata ?? {};
    const path = resourcePath(rd, m.namespace, m.name, "status");
    return this.request<Stored<T>>({ method: "PUT", path, body: obj, signal });
  }

  /** A patch (JSON merge patch unless told otherwise: sets only the fields in `patch`). */
  patch<T extends KubeObject = any>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    patch: unknown,
    type: PatchType = "merge",
    opts: PatchOptions = {},
  ): Promise<Stored<T>> {
    return this.request<Stored<T>>({
      method: "PATCH",
      path: resourcePath(rd, namespace, name, opts.subresource),
      body: patch,
      contentType: patchContentTypes[type],
      query: { fieldManager: opts.fieldManager, force: opts.force },
      signal: opts.signal,
    });
  }

  /** Server-side apply of `obj` as `fieldManager`'s intent. */
  apply<T extends KubeObject>(
    rd: ResourceDescriptor,
    obj: T,
    opts: { fieldManager: string; force?: boolean; subresource?: string; signal?: AbortSignal },
  ): Promise<Stored<T>> {
    const m = obj.metadata ?? {};
    return this.patch<T>(rd, m.namespace ?? "", m.name ?? "", obj, "apply", opts);
  }

  /** Deletes; a missing object is not an error. Resolves whether something was deleted. */
  async delete(rd: ResourceDescriptor, namespace: string, name: string, opts: DeleteOptions = {}): Promise<boolean> {
    const { signal, ...options } = opts;
    const body = Object.keys(options).length > 0 ? { kind: "DeleteOptions", apiVersion: "v1", ...options } : undefined;
    try {
      await this.request({ method: "DELETE", path: resourcePath(rd, namespace, name), body, signal });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** TokenRequest: a signed token for a ServiceAccount, for the given audiences. */
  async createToken(
    namespace: string,
    serviceAccount: string,
    spec: { audiences: string[]; expirationSeconds?: number },
    signal?: AbortSignal,
  ): Promise<string> {
    const res = await this.request<{ status?: { token?: unknown } }>({
      method: "POST",
      path: resourcePath(SERVICE_ACCOUNTS, namespace, serviceAccount, "token"),
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: {
          audiences: spec.audiences,
          ...(spec.expirationSeconds ? { expirationSeconds: spec.expirationSeconds } : {}),
        },
      },
      signal,
    });
    const token = res?.status?.token;
    if (typeof token !== "string" || !token) {
      throw new Error(`TokenRequest for ServiceAccount ${namespace}/${serviceAccount} returned no token`);
    }
    return token;
  }
}
