/**
 * ClusterExternalSecret: one ExternalSecret per selected namespace, owned by the ClusterExternalSecret,
 * kept equal to its template; removed from namespaces that stop matching.
 */
import type { ClusterExternalSecret } from "../../api/clusterexternalsecret.js";
import { parseDuration } from "../../api/duration.js";
import type { ExternalSecret } from "../../api/externalsecret.js";
import type { Result } from "../../runtime/controller.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, setCondition } from "../common/conditions.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  EXTERNAL_SECRETS,
  isConflict,
  type KubeClient,
  NAMESPACES,
} from "../common/kube-client.js";
import type { EsoMetrics } from "../common/metrics.js";
import { type LabelSelector, selectorMatches } from "../common/selector.js";

export interface ClusterExternalSecretReconcilerOptions {
  client: KubeClient;
  log: Logger;
  metrics?: EsoMetrics;
  now?: () => number;
}

interface NamespaceObj {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string };
}

const DEFAULT_REFRESH = "1m";

export function selectedNamespaces(ces: ClusterExternalSecret, namespaces: NamespaceObj[]): string[] {
  const selectors: LabelSelector[] = [...(ces.spec.namespaceSelectors ?? [])];
  if (ces.spec.namespaceSelector) selectors.push(ces.spec.namespaceSelector);
  const names = new Set(ces.spec.namespaces ?? []);
  const out: string[] = [];
  for (const ns of namespaces) {
    if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") continue;
    const labels = { "kubernetes.io/metadata.name": ns.metadata.name, ...(ns.metadata.labels ?? {}) };
    if (names.has(ns.metadata.name) || selectors.some((s) => selectorMatches(s, labels))) out.push(ns.metadata.name);
  }
  return out.sort();
}

function isOwnedBy(es: ExternalSecret, ces: ClusterExternalSecret): boolean {
  return (es.metadata?.ownerReferences ?? []).some(
    (r) => r.kind === "ClusterExternalSecret" && r.name === ces.metadata?.name && r.uid === ces.metadata?.uid,
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

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

export class ClusterExternalSecretReconciler {
  constructor(private readonly opts: ClusterExternalSecretReconcilerOptions) {}

  async reconcile(name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const done = this.opts.metrics?.reconcileTimer("ClusterExternalSecret", name);
    try {
      return await this.reconcileOnce(name, signal);
    } finally {
      done?.();
    }
  }

  private async reconcileOnce(name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const { client } = this.opts;
    const ces = await client.get<ClusterExternalSecret>(CLUSTER_EXTERNAL_SECRETS, "", name, signal);
    if (!ces || ces.metadata?.deletionTimestamp) {
      this.opts.metrics?.forget("ClusterExternalSecret", name);
      return undefined;
    }
    const esName = ces.spec.externalSecretName || name;
    const namespaces = await client.list<NamespaceObj>(NAMESPACES);
    const selected = selectedNamespaces(ces, namespaces);

    const failed: { namespace: string; reason: string }[] = [];
    const provisioned: string[] = [];
    for (const ns of selected) {
      try {
        const reason = await this.apply(ces, esName, ns);
        if (reason) failed.push({ namespace: ns, reason });
        else provisioned.push(ns);
      } catch (err) {
        failed.push({ namespace: ns, reason: `unable to apply ExternalSecret: ${(err as Error).message}` });
      }
    }

    const previousName = ces.status?.externalSecretName;
    for (const ns of ces.status?.provisionedNamespaces ?? []) {
      if (previousName === esName && selected.includes(ns)) continue;
      await this.removeOwned(ces, previousName || esName, ns);
    }

    const before = JSON.stringify(ces.status ?? {});
    ces.status = ces.status ?? {};
    ces.status.externalSecretName = esName;
    ces.status.provisionedNamespaces = provisioned;
    if (failed.length > 0) ces.status.failedNamespaces = failed;
    else delete ces.status.failedNamespaces;
    ces.status.conditions = setCondition(
      ces.status.conditions as Condition[] | undefined,
      failed.length > 0
        ? { type: "Ready", status: "False", reason: "Failed", message: "one or more namespaces failed" }
        : { type: "Ready", status: "True", reason: "Ready", message: "all ExternalSecrets are provisioned" },
      new Date(this.opts.now?.() ?? Date.now()),
    );
    this.opts.metrics?.recordClusterExternalSecretReady(name, failed.length === 0);
    if (JSON.stringify(ces.status) !== before) {
      try {
        await client.updateStatus(CLUSTER_EXTERNAL_SECRETS, ces as never);
      } catch (err) {
        if (isConflict(err)) return { requeue: true };
        throw err;
      }
    }
    let refreshMs: number;
    try {
      refreshMs = parseDuration(ces.spec.refreshTime || DEFAULT_REFRESH);
    } catch {
      refreshMs = parseDuration(DEFAULT_REFRESH);
    }
    return refreshMs > 0 ? { requeueAfter: refreshMs } : undefined;
  }

  /** Creates or updates the ExternalSecret in one namespace; returns a failure reason, if any. */
  private async apply(ces: ClusterExternalSecret, esName: string, namespace: string): Promise<string | undefined> {
    const { client } = this.opts;
    const existing = await client.get<ExternalSecret>(EXTERNAL_SECRETS, namespace, esName);
    if (existing && !isOwnedBy(existing, ces)) return "external secret already exists in namespace";
    const metadata = ces.spec.externalSecretMetadata ?? {};
    const ownerReferences = [
      {
        apiVersion: ces.apiVersion ?? "external-secrets.io/v1",
        kind: "ClusterExternalSecret",
        name: ces.metadata?.name ?? "",
        uid: ces.metadata?.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    if (!existing) {
      await client.create(EXTERNAL_SECRETS, {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: {
          name: esName,
          namespace,
          labels: metadata.labels,
          annotations: metadata.annotations,
          ownerReferences,
        },
        spec: ces.spec.externalSecretSpec,
      } as never);
      return undefined;
    }
    const labels = { ...(existing.metadata?.labels ?? {}), ...(metadata.labels ?? {}) };
    const annotations = { ...(existing.metadata?.annotations ?? {}), ...(metadata.annotations ?? {}) };
    if (
      containedIn(ces.spec.externalSecretSpec, existing.spec) &&
      sameJson(existing.metadata?.labels, labels) &&
      sameJson(existing.metadata?.annotations, annotations)
    ) {
      return undefined;
    }
    await client.update(EXTERNAL_SECRETS, {
      ...existing,
      metadata: { ...existing.metadata, labels, annotations },
      spec: ces.spec.externalSecretSpec,
    } as never);
    return undefined;
  }

  private async removeOwned(ces: ClusterExternalSecret, esName: string, namespace: string): Promise<void> {
    const es = await this.opts.client.get<ExternalSecret>(EXTERNAL_SECRETS, namespace, esName);
    if (es && isOwnedBy(es, ces)) await this.opts.client.delete(EXTERNAL_SECRETS, namespace, esName);
  }
}
