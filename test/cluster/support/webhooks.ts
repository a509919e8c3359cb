/**
 * The chart's webhook set-up, on loopback: the chart's CRDs (conversion through our webhook) and its
 * ValidatingWebhookConfiguration, with every Service-based clientConfig turned into a `url` on 127.0.0.1
 * (kube-apiserver without kubelet and Endpoints cannot route to a Service), `eso certcontroller` as the chart's
 * ServiceAccount, and `eso webhook` serving the certificate it issues.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CERT_CONTROLLER_SA,
  type Cluster,
  installCrds,
  OPERATOR_NAMESPACE,
  renderChart,
  serviceAccountKubeconfig,
} from "./cluster.js";
import { type EsoProcess, startEso } from "./eso.js";
import type { Obj } from "./kube.js";

export const WEBHOOK_SECRET = "eso-external-secrets-webhook";
export const WEBHOOK_CONFIG = "eso-external-secrets-webhook";

/** Replaces a clientConfig's `service` with a URL on the loopback webhook, keeping its path. */
function toUrl(clientConfig: Obj, base: string): Obj {
  const { service, ...rest } = clientConfig;
  return { ...rest, url: `${base}${service?.path ?? ""}` };
}

/** The chart's CRDs with their conversion webhook pointed at `base`. */
export async function chartCrdsAt(helm: string, base: string): Promise<Obj[]> {
  const crds = (await renderChart(helm)).filter((o) => o.kind === "CustomResourceDefinition");
  for (const crd of crds) {
    const cc = crd.spec.conversion?.webhook?.clientConfig;
    if (cc) crd.spec.conversion.webhook.clientConfig = toUrl(cc, base);
  }
  return crds;
}

/** The chart's ValidatingWebhookConfiguration with every webhook pointed at `base`. */
export async function chartWebhookConfigAt(helm: string, base: string): Promise<Obj> {
  const vwc = (await renderChart(helm)).find((o) => o.kind === "ValidatingWebhookConfiguration");
  if (!vwc) throw new Error("the chart rendered no ValidatingWebhookConfiguration");
  for (const w of vwc.webhooks as Obj[]) w.clientConfig = toUrl(w.clientConfig, base);
  return vwc;
}

/**
 * Writes the Secret's tls.crt and tls.key into `dir` whenever they change, as the kubelet does for a mounted
 * Secret volume. Returns a stop function.
 */
export function projectSecret(cluster: Cluster, namespace: string, name: string, dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  let last = "";
  let stopped = false;
  const tick = async () => {
    try {
      const s = await cluster.admin.get("secrets", namespace, name);
      const crt = s?.data?.["tls.crt"];
      const key = s?.data?.["tls.key"];
      if (crt && key && crt + key !== last) {
        // key first: the webhook reloads when tls.crt changes
        writeFileSync(join(dir, "tls.key"), Buffer.from(key, "base64"), { mode: 0o600 });
        writeFileSync(join(dir, "tls.crt"), Buffer.from(crt, "base64"));
        last = crt + key;
      }
    } catch {}
    if (!stopped) timer = setTimeout(tick, 500);
  };
  let timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export interface Webhooks {
  /** https://127.0.0.1:<port> */
  base: string;
  certController: EsoProcess;
  webhook: EsoProcess;
  stop(): Promise<void>;
}

/**
 * Installs the chart's CRDs, RBAC, empty certificate Secret and webhook configuration (URL clientConfigs), then
 * runs the cert controller and the webhook until the CA bundle is injected everywhere.
 */
export async function startWebhooks(cluster: Cluster): Promise<Webhooks> {
  const port = await cluster.rc.freePort();
  const base = `https://127.0.0.1:${port}`;
  await installCrds(cluster.admin, await chartCrdsAt(cluster.helm, base));
  const rbac = (await renderChart(cluster.helm)).filter(
    (o) =>
      ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].includes(o.kind) ||
      (o.kind === "Secret" && o.metadata.name === WEBHOOK_SECRET),
  );
  await cluster.admin.apply(rbac);
  await cluster.admin.apply(await chartWebhookConfigAt(cluster.helm, base));

  const kubeconfig = await serviceAccountKubeconfig(cluster, OPERATOR_NAMESPACE, CERT_CONTROLLER_SA);
  // the chart's certcontroller arguments, plus the loopback host the URL clientConfigs use
  const certController = await startEso(cluster, "certcontroller", "certcontroller", [
    "--kubeconfig",
    kubeconfig,
    `--secret-name=${WEBHOOK_SECRET}`,
    `--secret-namespace=${OPERATOR_NAMESPACE}`,
    "--service-name=eso-external-secrets-webhook",
    `--service-namespace=${OPERATOR_NAMESPACE}`,
    `--webhook-config-name=${WEBHOOK_CONFIG}`,
    "--crd-requeue-interval=5m",
    "--enable-conversion-injection=true",
    "--url-hosts=127.0.0.1",
    "--loglevel=debug",
  ]);
  const certDir = join(cluster.cp.dir, "webhook-certs");
  const stopProjection = projectSecret(cluster, OPERATOR_NAMESPACE, WEBHOOK_SECRET, certDir);
  const webhook = await startEso(cluster, "webhook", "webhook", [
    "--port",
    String(port),
    "--bind-address",
    "127.0.0.1",
    "--cert-dir",
    certDir,
    "--dns-name",
    "127.0.0.1",
    "--loglevel",
    "debug",
  ]);
  return {
    base,
    certController,
    webhook,
    stop: async () => {
      stopProjection();
      await webhook.stop(5_000);
      await certController.stop(5_000);
    },
  };
}
