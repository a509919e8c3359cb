/**
 * A real control plane (etcd + kube-apiserver) with our CRDs installed, and the Helm chart's own RBAC objects
 * applied, so the operator's processes run with exactly the permissions the chart grants: a verb missing from the
 * chart fails a test here. With ESO_TEST_KUBECONFIG set, an existing cluster takes the control plane's place.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../../api/repo.js";
import { type RealComponents, realComponents } from "./components.js";
import { CreatedObjects, existingClusterKubeconfig, openExistingCluster } from "./existing-cluster.js";
import { Kube, type Obj } from "./kube.js";

const run = promisify(execFile);

/** Release name and namespace the chart is rendered with; object names follow ("eso-external-secrets-..."). */
export const RELEASE = "eso";
export const OPERATOR_NAMESPACE = "external-secrets";
export const CONTROLLER_SA = "eso-external-secrets";
export const CERT_CONTROLLER_SA = "eso-external-secrets-cert-controller";

const RBAC_KINDS = new Set(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);

/** What the tests use of the API server, whether started here or an existing cluster's. */
export interface Endpoint {
  url: string;
  /** the admin kubeconfig */
  kubeconfig: string;
  /** the API server's CA; "" for an existing cluster whose kubeconfig skips TLS verification */
  caFile: string;
  /** scratch folder for process logs and kubeconfigs */
  dir: string;
}

export interface Cluster {
  rc: RealComponents;
  cp: Endpoint;
  kubectl: string;
  helm: string;
  /** kubectl with the admin kubeconfig, as a cluster user applies manifests. */
  admin: Kube;
  /** An existing cluster (ESO_TEST_KUBECONFIG): it has its own controller manager, and outlives the tests. */
  existing: boolean;
  /**
   * On an existing cluster, deletes the namespaces and cluster-scoped objects the tests created, except the
   * operator's namespace and RBAC; run it while the controller still runs, to handle its finalizers.
   */
  cleanup(): Promise<void>;
  /** Stops what was started here; on an existing cluster, deletes what the tests created (CRDs stay). */
  stop(): Promise<void>;
}

/**
 * Starts etcd + kube-apiserver (KUBEBUILDER_ASSETS, or the assets the project's scripts build), or connects to the
 * cluster ESO_TEST_KUBECONFIG names, and installs our CRDs.
 */
export async function startCluster(opts: { crds?: boolean; apiserverArgs?: string[] } = {}): Promise<Cluster> {
  const rc = await realComponents();
  const kubectl = await rc.ensureKubectl();
  const helm = join(kubectl, "..", "..", "helm", "helm");
  const existing = existingClusterKubeconfig();
  if (existing) return connectCluster(existing, rc, kubectl, helm, opts);
  const assets = process.env.KUBEBUILDER_ASSETS || (await rc.binaries()).assets;
  const cp = await rc.startControlPlane({
    assets,
    keepDir: process.env.KEEP_CLUSTER_DIR === "1",
    extraArgs: opts.apiserverArgs ?? [],
  });
  const admin = new Kube({
    kubectl,
    kubeconfig: cp.kubeconfig,
    api: { url: cp.url, ca: readFileSync(cp.caFile), token: cp.adminToken },
  });
  const cluster: Cluster = {
    rc,
    cp,
    kubectl,
    helm,
    admin,
    existing: false,
    cleanup: async () => {},
    stop: () => cp.stop(),
  };
  try {
    await prepare(admin, opts);
  } catch (err) {
    await cp.stop();
    throw err;
  }
  return cluster;
}

async function connectCluster(
  kubeconfig: string,
  rc: RealComponents,
  kubectl: string,
  helm: string,
  opts: { crds?: boolean; apiserverArgs?: string[] },
): Promise<Cluster> {
  if (opts.apiserverArgs?.length) {
    throw new Error(`kube-apiserver flags ${opts.apiserverArgs.join(" ")} need a control plane of our own`);
  }
  const ec = openExistingCluster(kubeconfig);
  const created = new CreatedObjects();
  const admin = new Kube({ kubectl, kubeconfig, api: ec.api, onCreated: created.record });
  const operatorNamespace = `namespace/${OPERATOR_NAMESPACE}`;
  const stop = async () => {
    try {
      await created.delete(admin);
    } finally {
      if (process.env.KEEP_CLUSTER_DIR !== "1") ec.removeDir();
    }
  };
  try {
    await prepare(admin, opts);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    rc,
    cp: { url: ec.url, kubeconfig, caFile: ec.caFile, dir: ec.dir },
    kubectl,
    helm,
    admin,
    existing: true,
    cleanup: () => created.delete(admin, (ref) => ref !== operatorNamespace && !ref.startsWith("clusterrole")),
    stop,
  };
}

async function prepare(admin: Kube, opts: { crds?: boolean }): Promise<void> {
  if (opts.crds !== false) await installCrds(admin, join(repoRoot(), "deploy/crds/bundle.yaml"));
  await admin.createNamespace(OPERATOR_NAMESPACE);
}

/** `kubectl apply --server-side` of a CRD file (or stdin objects), then waits until every CRD is Established. */
export async function installCrds(kube: Kube, fileOrObjects: string | Obj[]): Promise<void> {
  if (typeof fileOrObjects === "string") {
    await kube.kubectl(["apply", "--server-side", "--force-conflicts", "-f", fileOrObjects]);
  } else {
    await kube.apply(fileOrObjects, ["--server-side", "--force-conflicts"]);
  }
  await kube.kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
}

/** `helm template` of our chart into the operator namespace; every rendered object. */
export async function renderChart(helm: string, values: string[] = []): Promise<Obj[]> {
  const chart = join(repoRoot(), "deploy/charts/external-secrets");
  const sets = values.flatMap((v) => ["--set", v]);
  const { stdout } = await run(helm, ["template", RELEASE, chart, "--namespace", OPERATOR_NAMESPACE, ...sets], {
    maxBuffer: 64 << 20,
  });
  return parseAllDocuments(stdout)
    .map((d) => d.toJSON() as Obj | null)
    .filter((o): o is Obj => !!o?.kind);
}

/**
 * The arguments the chart's controller Deployment passes to `eso` (without the subcommand and without the
 * metrics and health addresses, which a test picks on loopback).
 */
export async function chartControllerArgs(helm: string, values: string[] = []): Promise<string[]> {
  const deployment = (await renderChart(helm, values)).find(
    (o) => o.kind === "Deployment" && o.metadata.name === CONTROLLER_SA,
  );
  const args = deployment?.spec.template.spec.containers[0].args as string[] | undefined;
  if (args?.[0] !== "controller") throw new Error("the chart's controller Deployment has no controller args");
  return args.slice(1).filter((a) => !/^--(metrics|health)-addr[= ]/.test(a));
}

/**
 * Applies the chart's ServiceAccounts, (Cluster)Roles and bindings, plus any other rendered kinds named in
 * `alsoKinds` (e.g. the webhook's empty certificate Secret).
 */
export async function applyChartRbac(
  cluster: Cluster,
  values: string[] = [],
  alsoKinds: string[] = [],
): Promise<Obj[]> {
  const objs = (await renderChart(cluster.helm, values)).filter(
    (o) => RBAC_KINDS.has(o.kind) || alsoKinds.includes(o.kind),
  );
  await cluster.admin.apply(objs);
  return objs;
}

/**
 * A kubeconfig for a ServiceAccount, with a token from the TokenRequest API (`kubectl create token`), as the
 * pod's projected token would be.
 */
export async function serviceAccountKubeconfig(
  cluster: Cluster,
  namespace: string,
  name: string,
  server = cluster.cp.url,
): Promise<string> {
  const token = (await cluster.admin.kubectl(["create", "token", name, "-n", namespace, "--duration=3h"])).trim();
  const path = join(cluster.cp.dir, `${namespace}-${name}${server === cluster.cp.url ? "" : "-relayed"}.kubeconfig`);
  let yaml = cluster.rc.kubeconfigYaml({ server, caFile: cluster.cp.caFile, token, user: name, namespace });
  // an existing cluster's kubeconfig that skips TLS verification gives us no CA to name
  if (!cluster.cp.caFile) yaml = yaml.replace(/certificate-authority: .*\n/, "insecure-skip-tls-verify: true\n");
  writeFileSync(path, yaml, { mode: 0o600 });
  return path;
}
