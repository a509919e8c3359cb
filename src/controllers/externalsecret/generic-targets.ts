/**
 * The runtime side of generic targets (--unsafe-allow-generic-targets): where a manifest's kind is served, found
 * through API discovery, and one informer per kind in use (managed label only), started when an ExternalSecret
 * first writes that kind. Its updates and deletions re-sync the ExternalSecrets targeting the object (drift).
 */
import {
  isNotFound,
  type KubeClient,
  MANAGED_SELECTOR,
  type ResourceDescriptor,
  type Stored,
} from "../../kube/index.js";
import { Informer } from "../../runtime/informer.js";
import type { Logger } from "../../runtime/logger.js";
import { genericTargetKey } from "./pipeline/generic-target.js";

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** The manifest names a cluster-scoped kind: never a target (as upstream, targets live in the ExternalSecret's namespace). */
export class ClusterScopedTargetError extends Error {
  override readonly name = "ClusterScopedTargetError";
}

export interface GenericTargetsOptions {
  /** --namespace: watch one namespace only. */
  namespace?: string;
  log: Logger;
  /** A managed object of a watched kind changed or went away: its index key ("<group>|<kind>|ns/name"). */
  changed(key: string): void;
}

export class GenericTargets {
  private readonly resources = new Map<string, ResourceDescriptor>();
  private readonly informers = new Map<string, Informer>();

  constructor(
    private readonly server: KubeClient,
    private readonly opts: GenericTargetsOptions,
  ) {}

  /**
   * The resource serving apiVersion/kind, or undefined when the API server does not serve it. Only namespaced
   * kinds can be targets (as upstream): a cluster-scoped one throws ClusterScopedTargetError. Other discovery
   * errors are thrown as they are (the sync is retried).
   */
  async resource(apiVersion: string, kind: string): Promise<ResourceDescriptor | undefined> {
    const id = `${apiVersion}|${kind}`;
    const known = this.resources.get(id);
    if (known) return known;
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: { resources?: ApiResource[] } | undefined;
    try {
      list = await this.server.request<{ resources?: ApiResource[] }>({ method: "GET", path });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const found = (list?.resources ?? []).find((r) => r.kind === kind && !r.name.includes("/"));
    if (!found) return undefined;
    if (!found.namespaced)
      throw new ClusterScopedTargetError(
        `${kind} (${apiVersion}) is cluster-scoped: only namespaced kinds can be targets`,
      );
    const slash = apiVersion.lastIndexOf("/");
    const rd: ResourceDescriptor = {
      group: slash < 0 ? "" : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      plural: found.name,
      kind,
      namespaced: true,
    };
    this.resources.set(id, rd);
    return rd;
  }

  /** Watches the managed objects of this kind (once per group and kind). */
  watch(rd: ResourceDescriptor): void {
    const id = `${rd.group}|${rd.kind}`;
    if (this.informers.has(id)) return;
    const informer = new Informer(this.server, rd, {
      namespace: this.opts.namespace,
      labelSelector: MANAGED_SELECTOR,
      logger: this.opts.log,
    });
    const apiVersion = rd.group ? `${rd.group}/${rd.version}` : rd.version;
    const key = (o: Stored) =>
      genericTargetKey(apiVersion, rd.kind ?? "", `${o.metadata.namespace}/${o.metadata.name}`);
    informer.addHandler(
      {
        update: (a, b) => {
          if (a.metadata.resourceVersion !== b.metadata.resourceVersion) this.opts.changed(key(b));
        },
        delete: (o) => this.opts.changed(key(o)),
      },
      false,
    );
    this.informers.set(id, informer);
    informer.start();
  }

  /** Kinds watched so far ("<group>|<kind>"), for tests and diagnostics. */
  get watched(): string[] {
    return [...this.informers.keys()];
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
