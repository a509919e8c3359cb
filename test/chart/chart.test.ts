import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { allCRDs } from "../../src/api/crds.js";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";

const run = promisify(execFile);
const chart = join(repoRoot(), "deploy/charts/external-secrets");

/** `--set` flags from the seeds' install and scaling commands. */
const seedValues = [
  "installCRDs=true",
  "replicaCount=3",
  "resources.limits.cpu=500m",
  "resources.limits.memory=512Mi",
  "resources.requests.cpu=100m",
  "resources.requests.memory=128Mi",
  "serviceMonitor.enabled=true",
  "webhook.replicaCount=3",
  "concurrent=15",
  "extraArgs={--enable-flood-protection=true,--max-concurrent-reconciles=10}",
  "autoscaling.enabled=true",
  "autoscaling.minReplicas=2",
  "autoscaling.maxReplicas=10",
  "autoscaling.targetCPUUtilizationPercentage=70",
];

describe("Helm chart", () => {
  let helm: string;
  before(async () => {
    helm = (await kubectlBinaries()).helm;
  });

  const template = async (sets: string[]) => {
    const args = ["template", "eso", chart, "--namespace", "external-secrets", ...sets.flatMap((s) => ["--set", s])];
    const { stdout } = await run(helm, args, { maxBuffer: 64 * 1024 * 1024 });
    return parseAllDocuments(stdout)
      .map((d) => d.toJS())
      .filter(Boolean);
  };
  const find = (objs: any[], kind: string, name?: string) =>
    objs.filter((o) => o.kind === kind && (!name || o.metadata.name === name));

  test("helm lint passes with default and non-default values", async () => {
    for (const sets of [[], seedValues, ["scopedNamespace=team-a", "scopedRBAC=true", "leaderElect=true"]]) {
      const { stdout } = await run(helm, ["lint", chart, ...sets.flatMap((s) => ["--set", s])]);
      assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  test("defaults: controller, webhook and cert controller with every CRD", async () => {
    const objs = await template([]);
    assert.deepEqual(
      find(objs, "Deployment")
        .map((d) => d.spec.template.spec.containers[0].args[0])
        .sort(),
      ["certcontroller", "controller", "webhook"],
    );
    assert.equal(find(objs, "CustomResourceDefinition").length, allCRDs().length);
    const es = find(objs, "CustomResourceDefinition", "externalsecrets.external-secrets.io")[0];
    assert.equal(es.spec.conversion.strategy, "Webhook");
    assert.equal(es.spec.conversion.webhook.clientConfig.service.path, "/convert");
    const controller = find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0];
    assert.equal(controller.securityContext.readOnlyRootFilesystem, true);
    assert.equal(controller.securityContext.runAsNonRoot, true);
    assert.equal(controller.securityContext.enabled, undefined, "chart-only switch is not rendered");
  });

  test("the seeds' production values render replicas, resources, monitoring, autoscaling and extra flags", async () => {
    const objs = await template(seedValues);
    const controller = find(objs, "Deployment", "eso-external-secrets")[0];
    assert.equal(controller.spec.replicas, undefined, "the HPA owns replicas when autoscaling is on");
    const c = controller.spec.template.spec.containers[0];
    assert.deepEqual(c.resources, {
      limits: { cpu: "500m", memory: "512Mi" },
      requests: { cpu: "100m", memory: "128Mi" },
    });
    assert.ok(c.args.includes("--concurrent=15"));
    assert.ok(c.args.includes("--enable-flood-protection=true"));
    assert.ok(c.args.includes("--max-concurrent-reconciles=10"));
    assert.equal(find(objs, "Deployment", "eso-external-secrets-webhook")[0].spec.replicas, 3);
    assert.equal(find(objs, "ServiceMonitor").length, 1);
    const hpa = find(objs, "HorizontalPodAutoscaler")[0];
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 10);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
  });

  test("extraArgs as a map renders --key=value as upstream", async () => {
    const objs = await template(["extraArgs.enable-flood-protection=true"]);
    const c = find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0];
    assert.ok(c.args.includes("--enable-flood-protection=true"));
  });

  test("scoped RBAC uses namespaced Roles and drops cluster kinds", async () => {
    const objs = await template(["scopedNamespace=team-a", "scopedRBAC=true"]);
    const role = find(objs, "Role", "eso-external-secrets-controller")[0];
    assert.equal(role.metadata.namespace, "team-a");
    const resources = role.rules.flatMap((r: any) => r.resources);
    assert.ok(!resources.includes("clustersecretstores"));
    assert.equal(find(objs, "ClusterRole", "eso-external-secrets-controller").length, 0);
    const args = find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0].args;
    assert.ok(args.includes("--namespace=team-a"));
    assert.ok(args.includes("--enable-cluster-store-reconciler=false"));
  });

  test("optional objects: PDB, NetworkPolicy, managed-Secret edit policy, PrometheusRule, dashboard", async () => {
    const objs = await template([
      "podDisruptionBudget.enabled=true",
      "networkPolicy.enabled=true",
      "managedSecretEditPolicy.enabled=true",
      "prometheusRule.enabled=true",
      "grafanaDashboard.enabled=true",
    ]);
    for (const kind of [
      "PodDisruptionBudget",
      "NetworkPolicy",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "PrometheusRule",
    ]) {
      assert.equal(find(objs, kind).length, 1, kind);
    }
    const alerts = find(objs, "PrometheusRule")[0]
      .spec.groups[0].rules.map((r: any) => r.expr)
      .join("\n");
    for (const metric of [
      "externalsecrets_sync_calls_total",
      "externalsecrets_drift_detected_total",
      "externalsecrets_store_auth_failure_total",
    ]) {
      assert.match(alerts, new RegExp(metric));
    }
    const dashboard = JSON.parse(find(objs, "ConfigMap")[0].data["external-secrets.json"]);
    assert.ok(dashboard.panels.length >= 6);
  });

  test("the chart's CRD copies match the generated API (run `npm run crds` when this fails)", () => {
    for (const crd of allCRDs() as any[]) {
      const file = join(chart, "files/crds", `${crd.metadata.name}.yaml`);
      assert.deepEqual(parseYaml(readFileSync(file, "utf8")), JSON.parse(JSON.stringify(crd)), crd.metadata.name);
    }
  });
});
