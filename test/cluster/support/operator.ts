/**
 * The usual set-up of a controller test file: a real control plane with our CRDs, the chart's RBAC, and one
 * `eso controller` process running as the chart's ServiceAccount.
 */
import { after, before } from "node:test";
import {
  applyChartRbac,
  type Cluster,
  CONTROLLER_SA,
  chartControllerArgs,
  OPERATOR_NAMESPACE,
  serviceAccountKubeconfig,
  startCluster,
} from "./cluster.js";
import { type EsoProcess, startController } from "./eso.js";
import type { Kube, Obj } from "./kube.js";

export interface Operator {
  cluster: Cluster;
  kube: Kube;
  /** kubeconfig of the chart's controller ServiceAccount */
  controllerKubeconfig: string;
  controllers: EsoProcess[];
  /** The chart Deployment's controller arguments (for the same values) followed by the test's own. */
  controllerArgs: string[];
  /** Stopped after the controllers, before the control plane (e.g. kube-controller-manager). */
  alsoStop: (() => Promise<unknown>)[];
}

/**
 * Registers before/after hooks that start the cluster, apply the chart's RBAC (rendered with `chartValues`) and
 * start the controller with the chart Deployment's arguments plus `controllerArgs`, then run `setup`. The returned object is filled in by the time tests run.
 */
export function useOperator(
  opts: {
    chartValues?: string[];
    controllerArgs?: string[];
    /** Extra kube-apiserver flags. */
    apiserverArgs?: string[];
    /** Created before the chart's RBAC is applied (a scoped install's Role lives in one). */
    namespaces?: string[];
    setup?: (op: Operator) => Promise<void>;
  } = {},
): Operator {
  const op = { controllers: [] as EsoProcess[], alsoStop: [] } as unknown as Operator;
  before(async () => {
    op.cluster = await startCluster({ apiserverArgs: opts.apiserverArgs });
    op.kube = op.cluster.admin;
    for (const ns of opts.namespaces ?? []) await op.kube.createNamespace(ns);
    await applyChartRbac(op.cluster, opts.chartValues ?? []);
    op.controllerKubeconfig = await serviceAccountKubeconfig(op.cluster, OPERATOR_NAMESPACE, CONTROLLER_SA);
    op.controllerArgs = [
      ...(await chartControllerArgs(op.cluster.helm, opts.chartValues ?? [])),
      ...(opts.controllerArgs ?? []),
    ];
    op.controllers.push(await startController(op.cluster, "controller-0", op.controllerKubeconfig, op.controllerArgs));
    await opts.setup?.(op);
  });
  after(async () => {
    // on an existing cluster: the test namespaces go while the controller can still remove its finalizers
    await op.cluster?.cleanup();
    for (const c of op.controllers) await c.stop(5_000).catch(() => {});
    for (const stop of op.alsoStop) await stop().catch(() => {});
    await op.cluster?.stop();
  });
  return op;
}

export function fakeStore(
  name: string,
  namespace: string | undefined,
  data: { key: string; value: string }[],
  extra: Obj = {},
): Obj {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: namespace ? "SecretStore" : "ClusterSecretStore",
    metadata: namespace ? { name, namespace } : { name },
    spec: { provider: { fake: { data } }, ...extra },
  };
}

export function externalSecret(name: string, namespace: string, spec: Obj, metadata: Obj = {}): Obj {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, namespace, ...metadata },
    spec,
  };
}
