import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";

const run = promisify(execFile);
const root = repoRoot();
const chart = join(root, "deploy/charts/external-secrets");

let helm: string;
const template = async (sets: string[], extra: string[] = []) => {
  const args = [
    "template",
    "eso",
    chart,
    "--namespace",
    "external-secrets",
    ...extra,
    ...sets.flatMap((s) => ["--set", s]),
  ];
  const { stdout } = await run(helm, args, { maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS())
    .filter(Boolean) as any[];
};
const templateFails = async (sets: string[], extra: string[] = []) => {
  try {
    await template(sets, extra);
    return "";
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
};
const find = (objs: any[], kind: string, name?: string) =>
  objs.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
const deployment = (objs: any[], suffix: string) => find(objs, "Deployment", `eso-external-secrets${suffix}`)[0];
const pod = (objs: any[], suffix: string) => deployment(objs, suffix).spec.template.spec;
const components = ["", "-webhook", "-cert-controller"];

describe("chart values taken over from upstream's chart 2.x", () => {
  before(async () => {
    helm = (await kubectlBinaries()).helm;
  });

  test("every upstream value is in values.yaml or listed in the chart README as not applying, with why", () => {
    const values = parseYaml(readFileSync(join(chart, "values.yaml"), "utf8"));
    const has = (key: string) => {
      let node: any = values;
      for (const part of key.split(".")) {
        if (node === null || typeof node !== "object" || !(part in node)) return false;
        node = node[part];
      }
      return true;
    };
    const readme = readFileSync(join(chart, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("## Upstream values this chart does not have"));
    const rows = table.split("\n").filter((l) => l.startsWith("| `"));
    const listed = rows.flatMap((row) => {
      const [keysCell, why] = row.split(" | ");
      assert.ok(why && why.trim().length > 20, `README row gives a reason: ${row}`);
      return [...keysCell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    });
    const inReadme = (key: string) =>
      listed.some((l) => (l.endsWith(".*") ? key.startsWith(l.slice(0, -1)) : l === key));
    const upstream = readFileSync(join(root, "test/fixtures/upstream-chart-values.keys"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    assert.ok(upstream.length > 200);
    const missing = upstream.filter((k) => !has(k) && !inReadme(k));
    assert.deepEqual(missing, [], "upstream values neither supported nor explained");
    // A value the chart has gained must leave the table (pending rows wait for their feature).
    const pendingRows = rows
      .filter((r) => r.includes("(pending)"))
      .flatMap((r) => [...r.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const stale = upstream.filter(
      (k) => has(k) && inReadme(k) && !pendingRows.some((p) => k.startsWith(p.replace(/\*$/, ""))),
    );
    assert.deepEqual(stale, [], "listed as missing but present in values.yaml");
  });

  test("crds.createSecretStore and crds.unsafeServeV1Beta1 (ours: served, converted by the webhook)", async () => {
    const crdNames = (objs: any[]) => find(objs, "CustomResourceDefinition").map((c) => c.metadata.name);
    const defaults = await template([]);
    assert.ok(crdNames(defaults).includes("secretstores.external-secrets.io"));
    const noStore = await template(["crds.createSecretStore=false"]);
    assert.ok(!crdNames(noStore).includes("secretstores.external-secrets.io"));
    assert.ok(crdNames(noStore).includes("clustersecretstores.external-secrets.io"));

    const served = (objs: any[], name: string) =>
      Object.fromEntries(
        find(objs, "CustomResourceDefinition", name)[0].spec.versions.map((v: any) => [v.name, v.served]),
      );
    for (const name of [
      "externalsecrets.external-secrets.io",
      "clusterexternalsecrets.external-secrets.io",
      "secretstores.external-secrets.io",
      "clustersecretstores.external-secrets.io",
    ]) {
      assert.deepEqual(served(defaults, name), { v1: true, v1beta1: true }, name);
    }
    const unserved = await template(["crds.unsafeServeV1Beta1=false"]);
    assert.deepEqual(served(unserved, "externalsecrets.external-secrets.io"), { v1: true, v1beta1: false });
    assert.deepEqual(served(unserved, "pushsecrets.external-secrets.io"), { v1alpha1: true });
  });

  test("global.repository, global.topologySpreadConstraints and per-component pod settings", async () => {
    const objs = await template([
      "global.repository=mirror.example.com/eso",
      "global.topologySpreadConstraints[0].maxSkew=1",
      "global.topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname",
      "global.topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway",
      "webhook.topologySpreadConstraints[0].maxSkew=2",
      "webhook.topologySpreadConstraints[0].topologyKey=zone",
      "webhook.topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule",
      "hostNetwork=true",
      "certController.hostNetwork=true",
      "dnsPolicy=None",
      "dnsConfig.nameservers[0]=10.0.0.10",
      "podSpecExtra.shareProcessNamespace=true",
      "extraContainers[0].name=sidecar,extraContainers[0].image=busybox",
      "extraInitContainers[0].name=init,extraInitContainers[0].image=busybox",
      "webhook.extraInitContainers[0].name=winit,webhook.extraInitContainers[0].image=busybox",
      "webhook.imagePullSecrets[0].name=webhook-pull",
      "global.imagePullSecrets[0].name=global-pull",
      "webhook.extraVolumes[0].name=extra,webhook.extraVolumes[0].emptyDir.medium=Memory",
      "webhook.extraVolumeMounts[0].name=extra,webhook.extraVolumeMounts[0].mountPath=/extra",
      "certController.extraVolumes[0].name=cc,certController.extraVolumes[0].emptyDir.medium=Memory",
      "certController.extraVolumeMounts[0].name=cc,certController.extraVolumeMounts[0].mountPath=/cc",
      "webhook.strategy.type=Recreate",
    ]);
    for (const c of components) {
      assert.match(pod(objs, c).containers[0].image, /^mirror\.example\.com\/eso:/, `image of${c || " controller"}`);
    }
    assert.equal(pod(objs, "").topologySpreadConstraints[0].topologyKey, "kubernetes.io/hostname");
    assert.equal(pod(objs, "-cert-controller").topologySpreadConstraints[0].topologyKey, "kubernetes.io/hostname");
    assert.equal(pod(objs, "-webhook").topologySpreadConstraints[0].topologyKey, "zone", "a component's own wins");
    assert.equal(pod(objs, "").hostNetwork, true);
    assert.equal(pod(objs, "-cert-controller").hostNetwork, true);
    assert.equal(pod(objs, "-webhook").hostNetwork, undefined);
    assert.equal(pod(objs, "").dnsPolicy, "None");
    assert.deepEqual(pod(objs, "").dnsConfig, { nameservers: ["10.0.0.10"] });
    assert.equal(pod(objs, "").shareProcessNamespace, true);
    assert.deepEqual(
      pod(objs, "").containers.map((c: any) => c.name),
      ["external-secrets", "sidecar"],
    );
    assert.equal(pod(objs, "").initContainers[0].name, "init");
    assert.equal(pod(objs, "-webhook").initContainers[0].name, "winit");
    assert.deepEqual(pod(objs, "-webhook").imagePullSecrets, [{ name: "webhook-pull" }, { name: "global-pull" }]);
    assert.deepEqual(pod(objs, "-cert-controller").imagePullSecrets, [{ name: "global-pull" }]);
    assert.ok(pod(objs, "-webhook").volumes.some((v: any) => v.name === "extra"));
    assert.ok(pod(objs, "-webhook").containers[0].volumeMounts.some((m: any) => m.mountPath === "/extra"));
    assert.ok(pod(objs, "-cert-controller").volumes.some((v: any) => v.name === "cc"));
    assert.equal(deployment(objs, "-webhook").spec.strategy.type, "Recreate");
  });

  test("global.compatibility.openshift.adaptSecurityContext leaves out what OpenShift assigns", async () => {
    const uid = (objs: any[], c: string) => pod(objs, c).containers[0].securityContext.runAsUser;
    const plain = await template([]);
    for (const c of components) assert.equal(uid(plain, c), 1000, `auto off OpenShift keeps runAsUser${c}`);
    const openshift = await template([], ["--api-versions", "security.openshift.io/v1"]);
    const forced = await template(["global.compatibility.openshift.adaptSecurityContext=force"]);
    for (const objs of [openshift, forced]) {
      for (const c of components) {
        const sc = pod(objs, c).containers[0].securityContext;
        assert.equal(sc.runAsUser, undefined);
        assert.equal(sc.seccompProfile, undefined);
        assert.equal(sc.runAsNonRoot, true, "the rest stays");
        assert.equal(pod(objs, c).securityContext?.fsGroup, undefined);
      }
    }
    const disabled = await template(
      ["global.compatibility.openshift.adaptSecurityContext=disabled"],
      ["--api-versions", "security.openshift.io/v1"],
    );
    assert.equal(uid(disabled, ""), 1000);
    assert.match(
      await templateFails(["global.compatibility.openshift.adaptSecurityContext=sometimes"]),
      /must be auto, force or disabled/,
    );
  });

  test("services: webhook Service settings and dual-stack on every Service", async () => {
    const objs = await template([
      "service.ipFamilyPolicy=PreferDualStack",
      "service.ipFamilies={IPv6,IPv4}",
      "metrics.service.enabled=true",
      "certController.metrics.service.enabled=true",
      "webhook.service.type=LoadBalancer",
      "webhook.service.loadBalancerIP=10.1.2.3",
      "webhook.service.annotations.example\\.com/lb=internal",
      "webhook.service.labels.team=platform",
      "webhook.secretAnnotations.example\\.com/backup=skip",
    ]);
    const services = find(objs, "Service");
    assert.equal(services.length, 3);
    for (const s of services) {
      assert.equal(s.spec.ipFamilyPolicy, "PreferDualStack", s.metadata.name);
      assert.deepEqual(s.spec.ipFamilies, ["IPv6", "IPv4"], s.metadata.name);
    }
    const webhook = find(objs, "Service", "eso-external-secrets-webhook")[0];
    assert.equal(webhook.spec.type, "LoadBalancer");
    assert.equal(webhook.spec.loadBalancerIP, "10.1.2.3");
    assert.equal(webhook.metadata.annotations["example.com/lb"], "internal");
    assert.equal(webhook.metadata.labels.team, "platform");
    assert.equal(
      find(objs, "Secret", "eso-external-secrets-webhook")[0].metadata.annotations["example.com/backup"],
      "skip",
    );
    const none = await template(["webhook.service.enabled=false"]);
    assert.equal(find(none, "Service", "eso-external-secrets-webhook").length, 0);
    assert.equal(find(none, "ValidatingWebhookConfiguration").length, 1, "the webhook itself stays");
    const plain = await template([]);
    assert.equal(find(plain, "Service")[0].spec.ipFamilyPolicy, undefined);
  });

  test("serviceMonitor.renderMode: alwaysRender (ours), skipIfMissing and failIfMissing as upstream", async () => {
    const monitors = (objs: any[]) => find(objs, "ServiceMonitor").length;
    assert.equal(monitors(await template(["serviceMonitor.enabled=true"])), 3);
    assert.equal(
      monitors(await template(["serviceMonitor.enabled=true", "serviceMonitor.renderMode=skipIfMissing"])),
      0,
    );
    assert.equal(
      monitors(
        await template(
          ["serviceMonitor.enabled=true", "serviceMonitor.renderMode=skipIfMissing"],
          ["--api-versions", "monitoring.coreos.com/v1/ServiceMonitor"],
        ),
      ),
      3,
    );
    assert.match(
      await templateFails(["serviceMonitor.enabled=true", "serviceMonitor.renderMode=failIfMissing"]),
      /does not serve monitoring\.coreos\.com\/v1 ServiceMonitor/,
    );
  });

  test("RBAC values: servicebindings, systemAuthDelegator, openshiftFinalizers, certController.rbac.create", async () => {
    const defaults = await template([]);
    const sb = find(defaults, "ClusterRole", "eso-external-secrets-servicebindings")[0];
    assert.equal(sb.metadata.labels["servicebinding.io/controller"], "true");
    assert.deepEqual(sb.rules, [
      { apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: ["get", "list", "watch"] },
    ]);
    assert.equal(find(defaults, "ClusterRoleBinding", "eso-external-secrets-auth-delegator").length, 0);
    const resources = (objs: any[]) =>
      find(objs, "ClusterRole", "eso-external-secrets-controller")[0].rules.flatMap((r: any) => r.resources);
    assert.ok(resources(defaults).includes("externalsecrets/finalizers"));

    const objs = await template([
      "rbac.servicebindings.create=false",
      "systemAuthDelegator=true",
      "openshiftFinalizers=false",
      "certController.rbac.create=false",
    ]);
    assert.equal(find(objs, "ClusterRole", "eso-external-secrets-servicebindings").length, 0);
    const delegator = find(objs, "ClusterRoleBinding", "eso-external-secrets-auth-delegator")[0];
    assert.equal(delegator.roleRef.name, "system:auth-delegator");
    assert.deepEqual(delegator.subjects, [
      { kind: "ServiceAccount", name: "eso-external-secrets", namespace: "external-secrets" },
    ]);
    assert.ok(!resources(objs).some((r: string) => r.endsWith("/finalizers")));
    assert.ok(resources(objs).includes("externalsecrets/status"));
    assert.equal(find(objs, "ClusterRole", "eso-external-secrets-cert-controller").length, 0);
    assert.equal(find(objs, "Deployment", "eso-external-secrets-cert-controller").length, 1);
  });

  test("webhook.certManager: cert-manager issues the webhook certificate instead of the cert controller", async () => {
    const objs = await template([
      "webhook.certManager.enabled=true",
      "webhook.certManager.cert.issuerRef.kind=ClusterIssuer",
      "webhook.certManager.cert.issuerRef.name=internal-ca",
      "webhook.certManager.cert.renewBefore=360h",
    ]);
    const cert = find(objs, "Certificate", "eso-external-secrets-webhook")[0];
    assert.equal(cert.spec.secretName, "eso-external-secrets-webhook", "the Secret the webhook mounts");
    assert.deepEqual(cert.spec.issuerRef, { group: "cert-manager.io", kind: "ClusterIssuer", name: "internal-ca" });
    assert.ok(cert.spec.dnsNames.includes("eso-external-secrets-webhook.external-secrets.svc"));
    assert.equal(cert.spec.renewBefore, "360h");
    assert.equal(find(objs, "Deployment", "eso-external-secrets-cert-controller").length, 0);
    assert.equal(find(objs, "ClusterRole", "eso-external-secrets-cert-controller").length, 0);
    assert.equal(find(objs, "Secret", "eso-external-secrets-webhook").length, 0, "cert-manager writes the Secret");
    const vol = pod(objs, "-webhook").volumes.find((v: any) => v.name === "certs");
    assert.equal(vol.secret.secretName, "eso-external-secrets-webhook");
    const inject = "external-secrets/eso-external-secrets-webhook";
    assert.equal(
      find(objs, "ValidatingWebhookConfiguration")[0].metadata.annotations["cert-manager.io/inject-ca-from"],
      inject,
    );
    const es = find(objs, "CustomResourceDefinition", "externalsecrets.external-secrets.io")[0];
    assert.equal(es.metadata.annotations["cert-manager.io/inject-ca-from"], inject);
    assert.equal(es.metadata.annotations["external-secrets.io/ca-injection"], undefined);

    const own = await template([
      "webhook.certManager.enabled=true",
      "webhook.certManager.cert.create=false",
      "webhook.certManager.addInjectorAnnotations=false",
    ]);
    assert.equal(find(own, "Certificate").length, 0);
    assert.equal(find(own, "ValidatingWebhookConfiguration")[0].metadata.annotations, undefined);
    const defaults = await template([]);
    assert.equal(find(defaults, "Certificate").length, 0);
    assert.equal(find(defaults, "Deployment", "eso-external-secrets-cert-controller").length, 1);
  });

  test("probes, ports, intervals and PDB names of each component", async () => {
    const defaults = await template([]);
    const liveness = pod(defaults, "").containers[0].livenessProbe;
    assert.deepEqual(liveness.httpGet, { path: "/healthz", port: "health" });
    assert.equal(liveness.periodSeconds, 10);
    assert.equal(liveness.failureThreshold, 5);
    assert.equal(pod(await template(["livenessProbe.enabled=false"]), "").containers[0].livenessProbe, undefined);

    const objs = await template([
      "livenessProbe.spec.periodSeconds=30",
      "certController.requeueInterval=10m",
      "certController.readinessProbe.port=9081",
      "certController.metrics.listen.port=9080",
      "certController.startupProbe.enabled=true",
      "webhook.readinessProbe.port=7081",
      "webhook.metrics.listen.port=7080",
      "webhook.lookaheadInterval=48h",
      "podDisruptionBudget.enabled=true",
      "podDisruptionBudget.nameOverride=controller-budget",
      "webhook.podDisruptionBudget.enabled=true",
      "webhook.podDisruptionBudget.nameOverride=webhook-budget",
    ]);
    assert.equal(pod(objs, "").containers[0].livenessProbe.periodSeconds, 30);
    const cert = pod(objs, "-cert-controller").containers[0];
    assert.ok(cert.args.includes("--crd-requeue-interval=10m"));
    assert.ok(cert.args.includes("--healthz-addr=:9081"));
    assert.ok(cert.args.includes("--metrics-addr=:9080"));
    assert.ok(cert.args.includes("--lookahead-interval=48h"), "webhook.lookaheadInterval, upstream's key");
    assert.deepEqual(
      cert.ports.map((p: any) => p.containerPort),
      [9080, 9081],
    );
    assert.deepEqual(cert.startupProbe.httpGet, { path: "/readyz", port: "health" });
    const webhook = pod(objs, "-webhook").containers[0];
    assert.ok(webhook.args.includes("--healthz-addr=:7081"));
    assert.ok(webhook.args.includes("--metrics-addr=:7080"));
    assert.deepEqual(
      find(objs, "PodDisruptionBudget")
        .map((p) => p.metadata.name)
        .sort(),
      ["controller-budget", "webhook-budget"],
    );
  });
});
