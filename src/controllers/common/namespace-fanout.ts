/**
 * Fan-out of a cluster-scoped owner (ClusterExternalSecret, ClusterPushSecret) into one namespaced child per
 * selected namespace: children are created or kept equal to the owner's template, removed from namespaces
 * that stop matching (or after a rename), and the owner's status lists provisioned and failed namespaces.
 * A same-named child the owner does not own is never touched.
 */
import { parseDuration } from "../../api/duration.js";
import { type KubeClient, type KubeObject, NAMESPACES, type ResourceDescriptor } from "../../kube/index.js";
import type { Result } from "../../runtime/controller.js";
import type { Informer } from "../../runtime/informer.js";
import { type Condition, setCondition } from "./conditions.js";
import { type LabelSelector, selectorMatches } from "./selector.js";
import { writeStatusIfChanged } from "./status-writer.js";

type ChildObject = KubeObject & { spec?: unknown };

export interface NamespaceObj {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string };
}

/** Names of live namespaces listed in `names` or matching any selector, sorted. */
export function selectNamespaces(
  namespaces: NamespaceObj[],
  selectors: LabelSelector[],
  names: string[] = [],
): string[] {
  const listed = new Set(names);
  const out: string[] = [];
  for (const ns of namespaces) {
    if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") continue;
    const labels = { "kubernetes.io/metadata.name": ns.metadata.name, ...(ns.metadata.labels ?? {}) };
    if (listed.has(ns.metadata.name) || selectors.some((s) => selectorMatches(s, labels))) out.push(ns.metadata.name);
  }
  return out.sort();
}

/** The kinds of one fan-out and how they are spelled. */
export interface FanOutKinds {
  ownerKind: string;
  ownerResource: ResourceDescriptor;
  /** apiVersion in the children's ownerReference when the owner object carries none. */
  ownerApiVersion: string;
  childKind: string;
  childResource: ResourceDescriptor;
  childApiVersion: string;
  /** Owner status field holding the children's name, to clean up after a rename. */
  statusNameField: string;
  /** Failure reason for a namespace holding a same-named child the owner does not own. */
  conflictReason: string;
}

/** The cluster-scoped owner (a copy the caller may change); its status is replaced by reconcile. */
export interface FanOutOwner {
  apiVersion?: string;
  metadata?: { name?: string; uid?: string };
  status?: object;
}

export interface FanOutRequest {
  owner: FanOutOwner;
  childName: string;
  childSpec: unknown;
  childMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  selectors: LabelSelector[];
  namespaces?: string[];
  refreshTime?: string;
  /** Told whether every selected namespace is provisioned, before the status is written. */
  onReady?: (ready: boolean) => void;
}

const DEFAULT_REFRESH = "1m";

type FailedNamespace = { namespace: string; reason: string };

export class NamespaceFanOut {
  /**
   * `namespaces`: the shared Namespace informer; once it has synced, namespaces are selected from its cache
   * instead of being listed from the API server on every reconcile.
   */
  constructor(
    private readonly client: KubeClient,
    private readonly kinds: FanOutKinds,
    private readonly now: () => number = Date.now,
    private readonly namespaces?: Informer<KubeObject>,
  ) {}

  private async listNamespaces(): Promise<NamespaceObj[]> {
    const inf = this.namespaces;
    // The informer keeps metadata only; a terminating namespace is recognised by its deletionTimestamp.
    if (inf?.hasSynced()) return inf.cache.list();
    return this.client.list<NamespaceObj>(NAMESPACES);
  }

  async reconcile(req: FanOutRequest): Promise<Result | undefined> {
    const { client, kinds } = this;
    const { owner, childName } = req;
    const selected = selectNamespaces(await this.listNamespaces(), req.selectors, req.namespaces);

    const failed: FailedNamespace[] = [];
    const provisioned: string[] = [];
    for (const ns of selected) {
      try {
        const reason = await this.apply(req, ns);
        if (reason) failed.push({ namespace: ns, reason });
        else provisioned.push(ns);
      } catch (err) {
        failed.push({ namespace: ns, reason: `unable to apply ${kinds.childKind}: ${(err as Error).message}` });
      }
    }

    const previous = (owner.status ?? {}) as Record<string, unknown>;
    const previousName = previous[kinds.statusNameField] as string | undefined;
    const kept = new Set(previousName === childName ? selected : []);
    for (const ns of (previous.provisionedNamespaces as string[] | undefined) ?? []) {
      if (kept.has(ns)) continue;
      await this.removeOwned(owner, previousName || childName, ns);
    }

    const status: Record<string, unknown> = { ...previous };
    status[kinds.statusNameField] = childName;
    status.provisionedNamespaces = provisioned;
    if (failed.length > 0) status.failedNamespaces = failed;
    else delete status.failedNamespaces;
    status.conditions = setCondition(
      status.conditions as Condition[] | undefined,
      failed.length > 0
        ? { type: "Ready", status: "False", reason: "Failed", message: "one or more namespaces failed" }
        : { type: "Ready", status: "True", reason: "Ready", message: `all ${kinds.childKind}s are provisioned` },
      new Date(this.now()),
    );
    req.onReady?.(failed.length === 0);
    if ((await writeStatusIfChanged(client, kinds.ownerResource, owner, status)) === "conflict") {
      return { requeue: true };
    }
    let refreshMs: number;
    try {
      refreshMs = parseDuration(req.refreshTime || DEFAULT_REFRESH);
    } catch {
      refreshMs = parseDuration(DEFAULT_REFRESH);
    }
    return refreshMs > 0 ? { requeueAfter: refreshMs } : undefined;
  }

  /** Creates or updates the child in one namespace; returns a failure reason, if any. */
  private async apply(req: FanOutRequest, namespace: string): Promise<string | undefined> {
    const { client, kinds } = this;
    const { owner, childName: name, childSpec: spec } = req;
    const existing = await client.get<ChildObject>(kinds.childResource, namespace, name);
    if (existing && !this.owns(owner, existing)) return kinds.conflictReason;
    const meta = req.childMetadata ?? {};
    if (!existing) {
      const ownerReference = {
        apiVersion: owner.apiVersion ?? kinds.ownerApiVersion,
        kind: kinds.ownerKind,
        name: owner.metadata?.name ?? "",
        uid: owner.metadata?.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      };
      await client.create(kinds.childResource, {
        apiVersion: kinds.childApiVersion,
        kind: kinds.childKind,
        metadata: {
          name,
          namespace,
          labels: meta.labels,
          annotations: meta.annotations,
          ownerReferences: [ownerReference],
        },
        spec,
      });
      return undefined;
    }
    const labels = { ...(existing.metadata?.labels ?? {}), ...(meta.labels ?? {}) };
    const annotations = { ...(existing.metadata?.annotations ?? {}), ...(meta.annotations ?? {}) };
    if (
      containedIn(spec, existing.spec) &&
      sameJson(existing.metadata?.labels, labels) &&
      sameJson(existing.metadata?.annotations, annotations)
    ) {
      return undefined;
    }
    await client.update(kinds.childResource, {
      ...existing,
      metadata: { ...existing.metadata, labels, annotations },
      spec,
    });
    return undefined;
  }

  private async removeOwned(owner: FanOutOwner, name: string, namespace: string): Promise<void> {
    const child = await this.client.get<KubeObject>(this.kinds.childResource, namespace, name);
    if (child && this.owns(owner, child)) await this.client.delete(this.kinds.childResource, namespace, name);
  }

  private owns(owner: FanOutOwner, child: KubeObject): boolean {
    const refs = (child.metadata?.ownerReferences as { kind: string; name: string; uid: string }[] | undefined) ?? [];
    return refs.some(
      (r) => r.kind === this.kinds.ownerKind && r.name === owner.metadata?.name && r.uid === owner.metadata?.uid,
    );
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** Every field set in `want` has the same value in `have` (the server may have added defaults). */
function containedIn(want: unknown, have: unknown): boolean {
  if (want === undefined || want === null) return true;
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => containedIn(w, have[i]));
  }
  if (typeof want === "object") {
    if (typeof have !== "object" || have === null) return false;
    return Object.entries(want as Record<string, unknown>).every(([k, v]) =>
      containedIn(v, (have as Record<string, unknown>)[k]),
    );
  }
  return want === have;
}
