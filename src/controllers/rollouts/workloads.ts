/**
 * The workload kinds rollouts apply to, and what the workload cache keeps of each object: identity, Reloader's
 * annotations (workload and pod template), the names of the Secrets its pod template references, and the source
 * of the last rollout. Whole pod templates never stay in memory.
 */
import type { KubeObject, ResourceDescriptor, Stored } from "../../kube/index.js";
import { isReloaderKey, LAST_RELOADED_FROM } from "./annotations.js";

const apps = (plural: string, kind: string): ResourceDescriptor => ({
  group: "apps",
  version: "v1",
  plural,
  kind,
  namespaced: true,
});

export const DEPLOYMENTS = apps("deployments", "Deployment");
export const STATEFUL_SETS = apps("statefulsets", "StatefulSet");
export const DAEMON_SETS = apps("daemonsets", "DaemonSet");

export const WORKLOAD_KINDS: readonly ResourceDescriptor[] = [DEPLOYMENTS, STATEFUL_SETS, DAEMON_SETS];

/** "Deployment", "deployments", "deploy" (any case) → the kind's descriptor. */
export function workloadKind(name: string): ResourceDescriptor | undefined {
  const n = name.toLowerCase();
  const aliases: Record<string, ResourceDescriptor> = {
    deployment: DEPLOYMENTS,
    deployments: DEPLOYMENTS,
    deploy: DEPLOYMENTS,
    statefulset: STATEFUL_SETS,
    statefulsets: STATEFUL_SETS,
    sts: STATEFUL_SETS,
    daemonset: DAEMON_SETS,
    daemonsets: DAEMON_SETS,
    ds: DAEMON_SETS,
  };
  return aliases[n];
}

/** The cached form of a workload. */
export interface WorkloadSummary extends KubeObject {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  /** Reloader's annotations on the pod template (read when the workload itself has none). */
  podAnnotations?: Record<string, string>;
  /** Names of the Secrets the pod template references, sorted. */
  secrets: string[];
  /** Secret name and data hash of the last rollout written on the pod template, if any. */
  lastRollout?: { name: string; hash: string };
}

interface PodSpecLike {
  volumes?: { secret?: { secretName?: string }; projected?: { sources?: { secret?: { name?: string } }[] } }[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  imagePullSecrets?: { name?: string }[];
}

interface ContainerLike {
  env?: { valueFrom?: { secretKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string } }[];
}

interface WorkloadLike {
  spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec?: PodSpecLike } };
}

/** Secret names a pod spec references: volumes, projected volumes, env, envFrom (every container), image pulls. */
export function referencedSecrets(pod: PodSpecLike | undefined): string[] {
  const names = new Set<string>();
  const add = (n: string | undefined) => {
    if (n) names.add(n);
  };
  for (const v of pod?.volumes ?? []) {
    add(v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) add(s.secret?.name);
  }
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? []), ...(pod?.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) add(e.valueFrom?.secretKeyRef?.name);
    for (const e of c.envFrom ?? []) add(e.secretRef?.name);
  }
  for (const p of pod?.imagePullSecrets ?? []) add(p.name);
  return [...names].sort();
}

function reloaderAnnotations(all: Record<string, string> | undefined): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(all ?? {})) {
    if (k === LAST_RELOADED_FROM || !isReloaderKey(k)) continue;
    out ??= {};
    out[k] = v;
  }
  return out;
}

function parseLastRollout(value: string | undefined): WorkloadSummary["lastRollout"] {
  if (!value) return undefined;
  try {
    const v = JSON.parse(value) as { name?: unknown; hash?: unknown };
    return typeof v.name === "string" && typeof v.hash === "string" ? { name: v.name, hash: v.hash } : undefined;
  } catch {
    return undefined;
  }
}

/** The informer transform: a whole workload in, its summary out. */
export function summarizeWorkload(obj: Stored): Stored {
  const template = (obj as Stored & WorkloadLike).spec?.template;
  const m = obj.metadata;
  const summary: WorkloadSummary = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    secrets: referencedSecrets(template?.spec),
  };
  const annotations = reloaderAnnotations(m.annotations);
  if (annotations) summary.metadata.annotations = annotations;
  const podAnnotations = reloaderAnnotations(template?.metadata?.annotations);
  if (podAnnotations) summary.podAnnotations = podAnnotations;
  const last = parseLastRollout(template?.metadata?.annotations?.[LAST_RELOADED_FROM]);
  if (last) summary.lastRollout = last;
  return summary as Stored;
}
