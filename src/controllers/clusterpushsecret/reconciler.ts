/**
 * ClusterPushSecret: one PushSecret per namespace matched by namespaceSelectors, owned by the
 * ClusterPushSecret and kept equal to pushSecretSpec; removed from namespaces that stop matching. A
 * PushSecret of the same name that this ClusterPushSecret does not own is never touched.
 */
import { parseDuration } from "../../api/duration.js";
import type { ClusterPushSecret, PushSecret } from "../../api/pushsecret.js";
import type { Result } from "../../runtime/controller.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, setCondition } from "../common/conditions.js";
import { isConflict, type KubeClient, NAMESPACES } from "../common/kube-client.js";
import { selectorMatches } from "../common/selector.js";
import { CLUSTER_PUSH_SECRETS, PUSH_SECRET_API_VERSION, PUSH_SECRETS } from "../pushsecret/resources.js";

export interface ClusterPushSecretReconcilerOptions {
  client: KubeClient;
  log: Logger;
  now?: () => number;
}

interface NamespaceObj {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string };
}

const DEFAULT_REFRESH = "1m";

export function selectedNamespaces(cps: ClusterPushSecret, namespaces: NamespaceObj[]): string[] {
  const selectors = cps.spec.namespaceSelectors ?? [];
  const out: string[] = [];
  for (const ns of namespaces) {
    if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") continue;
    const labels = { "kubernetes.io/metadata.name": ns.metadata.name, ...(ns.metadata.labels ?? {}) };
    if (selectors.some((s) => selectorMatches(s, labels))) out.push(ns.metadata.name);
  }
  return out.sort();
}

function isOwnedBy(ps: PushSecret, cps: ClusterPushSecret): boolean {
  return ((ps.metadata?.ownerReferences as { kind: string; name: string; uid: string }[] | undefined) ?? []).some(
    (r) => r.kind === "ClusterPushSecret" && r.name === cps.metadata?.name && r.uid === cps.metadata?.uid,
  );
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

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

export class ClusterPushSecretReconciler {
  constructor(private readonly opts: ClusterPushSecretReconcilerOptions) {}

  async reconcile(name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const { client } = this.opts;
    const cps = await client.get<ClusterPushSecret>(CLUSTER_PUSH_SECRETS, "", name, signal);
    if (!cps || cps.metadata?.deletionTimestamp) return undefined;
    const psName = cps.spec.pushSecretName || name;
    const selected = selectedNamespaces(cps, await client.list<NamespaceObj>(NAMESPACES));

    const failed: { namespace: string; reason: string }[] = [];
    const provisioned: string[] = [];
    for (const ns of selected) {
      try {
        const reason = await this.apply(cps, psName, ns);
        if (reason) failed.push({ namespace: ns, reason });
        else provisioned.push(ns);
      } catch (err) {
        failed.push({ namespace: ns, reason: `unable to apply PushSecret: ${(err as Error).message}` });
      }
    }
    const previousName = cps.status?.pushSecretName;
    for (const ns of cps.status?.provisionedNamespaces ?? []) {
      if (previousName === psName && selected.includes(ns)) continue;
      await this.removeOwned(cps, previousName || psName, ns);
    }

    const before = JSON.stringify(cps.status ?? {});
    const status = { ...(cps.status ?? {}) };
    status.pushSecretName = psName;
    status.provisionedNamespaces = provisioned;
    if (failed.length > 0) status.failedNamespaces = failed;
    else delete status.failedNamespaces;
    status.conditions = setCondition(
      status.conditions as Condition[] | undefined,
      failed.length > 0
        ? { type: "Ready", status: "False", reason: "Failed", message: "one or more namespaces failed" }
        : { type: "Ready", status: "True", reason: "Ready", message: "all PushSecrets are provisioned" },
      new Date(this.opts.now?.() ?? Date.now()),
    );
    cps.status = status;
    if (JSON.stringify(status) !== before) {
      try {
        await client.updateStatus(CLUSTER_PUSH_SECRETS, cps as never);
      } catch (err) {
        if (isConflict(err)) return { requeue: true };
        throw err;
      }
    }
    let refreshMs: number;
    try {
      refreshMs = parseDuration(cps.spec.refreshTime || DEFAULT_REFRESH);
    } catch {
      refreshMs = parseDuration(DEFAULT_REFRESH);
    }
    return refreshMs > 0 ? { requeueAfter: refreshMs } : undefined;
  }

  /** Creates or updates the PushSecret in one namespace; returns a failure reason, if any. */
  private async apply(cps: ClusterPushSecret, psName: string, namespace: string): Promise<string | undefined> {
    const { client } = this.opts;
    const existing = await client.get<PushSecret>(PUSH_SECRETS, namespace, psName);
    if (existing && !isOwnedBy(existing, cps)) return "push secret already exists in namespace";
    const meta = cps.spec.pushSecretMetadata ?? {};
    if (!existing) {
      await client.create(PUSH_SECRETS, {
        apiVersion: PUSH_SECRET_API_VERSION,
        kind: "PushSecret",
        metadata: {
          name: psName,
          namespace,
          labels: meta.labels,
          annotations: meta.annotations,
          ownerReferences: [
            {
              apiVersion: cps.apiVersion ?? PUSH_SECRET_API_VERSION,
              kind: "ClusterPushSecret",
              name: cps.metadata?.name ?? "",
              uid: cps.metadata?.uid ?? "",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: cps.spec.pushSecretSpec,
      } as never);
      return undefined;
    }
    const labels = { ...(existing.metadata?.labels ?? {}), ...(meta.labels ?? {}) };
    const annotations = { ...(existing.metadata?.annotations ?? {}), ...(meta.annotations ?? {}) };
    if (
      containedIn(cps.spec.pushSecretSpec, existing.spec) &&
      sameJson(existing.metadata?.labels, labels) &&
      sameJson(existing.metadata?.annotations, annotations)
    ) {
      return undefined;
    }
    await client.update(PUSH_SECRETS, {
      ...existing,
      metadata: { ...existing.metadata, labels, annotations },
      spec: cps.spec.pushSecretSpec,
    } as never);
    return undefined;
  }

  private async removeOwned(cps: ClusterPushSecret, psName: string, namespace: string): Promise<void> {
    const ps = await this.opts.client.get<PushSecret>(PUSH_SECRETS, namespace, psName);
    if (ps && isOwnedBy(ps, cps)) await this.opts.client.delete(PUSH_SECRETS, namespace, psName);
  }
}
