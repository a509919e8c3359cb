/**
 * A real control plane (etcd + kube-apiserver) with our CRDs installed, and the Helm chart's own RBAC objects
 * applied, so the operator's processes run with exactly the permissions the chart grants: a verb missing from the
 * chart fails a test here.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../../api/repo.js";
import { type ControlPlane, type RealComponents, realComponents } from "./components.js";
import { Kube, type Obj } from "./kube.js";

const run = promisify(execFile);

/** Release name and namespace the chart is rendered with; object names follow ("eso-external-secrets-..."). */
export const RELEASE = "eso";
export const OPERATOR_NAMESPACE = "external-secrets";
export const CONTROLLER_SA = "eso-external-secrets";
export const CERT_CONTROLLER_SA = "eso-external-secrets-cert-controller";

const RBAC_KINDS = new Set(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);

export interface Cluster {
  rc: RealComponents;
  cp: ControlPlane;
  kubectl: string;
  helm: string;
  /** kubectl with the admin kubeconfig, as a cluster user applies manifests. */
  admin: Kube;
  stop(): Promise<void>;
}

/** Starts etcd + kube-apiserver (KUBEBUILDER_ASSETS, or the assets the project's scripts build) and installs our CRDs. */
export async function startCluster(opts: { crds?: boolean; apiserverArgs?: string[] } = {}): Promise<Cluster> {
  const rc = await realComponents();
  const kubectl = await rc.ensureKubectl();
  const helm = join(kubectl, "..", "..", "helm", "helm");
  const assets = process.env.KUBEBUILDER_ASSETS || (await rc.binaries()).assets;
  const cp = await rc.startControlPlane({
    assets,
    keepDir: process.env.KEEP_CLUSTER_DIR === "1",
    extraArgs: opts.apiserverArgs ?? [],
  });
  const admin = new Kube({ kubectl, kubeconfig: cp.kubeconfig, url: cp.url, caFile: cp.caFile, token: cp.adminToken });
  const cluster: Cluster = { rc, cp, kubectl, helm, admin, stop: () => cp.stop() };
  try {
    if (opts.crds !== false) await installCrds(admin, join(repoRoot(), "deploy/crds/bundle.yaml"));
    await admin.createNamespace(OPERATOR_NAMESPACE);
  } catch (err) {
    await cp.stop();
    throw err;
  }
  return cluster;
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
  writeFileSync(path, cluster.rc.kubeconfigYaml({ server, caFile: cluster.cp.caFile, token, user: name, namespace }), {
    mode: 0o600,
  });
  return path;
}
