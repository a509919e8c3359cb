/**
 * The rollout demonstration: a Deployment in the demo namespace that reads the rotated Secret and opts in with
 * Reloader's annotation, so a rotation shows the workload rolled (its pod template annotation changes).
 */
import { DEPLOYMENTS } from "../controllers/rollouts/workloads.js";
import { isAlreadyExists, type KubeClient } from "../kube/index.js";
import { DEMO } from "./demo.js";

/** Short in the sandbox so pressing r twice shows a second rollout soon after (production default: 1 min). */
export const DEMO_ROLLOUT_INTERVAL_MS = 5_000;

const LAST_RELOADED_FROM = "reloader.stakater.com/last-reloaded-from";

export function demoDeployment() {
  const labels = { app: DEMO.deployment };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: DEMO.deployment,
      namespace: DEMO.namespace,
      annotations: { "reloader.stakater.com/auto": "true" },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: "app", image: "busybox:1.36", envFrom: [{ secretRef: { name: DEMO.secret } }] }],
        },
      },
    },
  };
}

/** Creates the demo Deployment unless it exists (a kept data dir). */
export async function ensureDemoDeployment(client: KubeClient): Promise<boolean> {
  try {
    await client.create(DEPLOYMENTS, demoDeployment());
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}

/** The demo Deployment's last rollout annotation ("" when it never rolled). */
export async function lastRollout(client: KubeClient): Promise<string> {
  const d = await client.get<{ spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }>(
    DEPLOYMENTS,
    DEMO.namespace,
    DEMO.deployment,
  );
  return d?.spec?.template?.metadata?.annotations?.[LAST_RELOADED_FROM] ?? "";
}

/** One line describing a rollout annotation's value: which Secret and which data hash. */
export function describeRollout(value: string): string {
  try {
    const v = JSON.parse(value) as { name?: string; hash?: string };
    return `rolled Deployment ${DEMO.namespace}/${DEMO.deployment}: Secret ${v.name} changed (data hash ${String(v.hash).slice(0, 12)}…)`;
  } catch {
    return `rolled Deployment ${DEMO.namespace}/${DEMO.deployment}`;
  }
}
