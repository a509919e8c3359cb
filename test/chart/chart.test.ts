import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { allCRDs } from "../../src/api/crds.js";
import { startApiServer } from "../../src/apiserver/index.js";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";
import { freePort, httpStatus } from "../support/net.js";

const run = promisify(execFile);
const chart = join(repoRoot(), "deploy/charts/external-secrets");
const cli = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

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

/** Every optional object and every upstream-compatible knob set away from its default. */
const everythingValues = [
  "leaderElect=true",
  "podDisruptionBudget.enabled=true",
  "podDisruptionBudget.maxUnavailable=1",
  "webhook.podDisruptionBudget.enabled=true",
  "certController.podDisruptionBudget.enabled=true",
  "networkPolicy.enabled=true",
  "managedSecretEditPolicy.enabled=true",
  "prometheusRule.enabled=true",
  "grafanaDashboard.enabled=true",
  "serviceMonitor.enabled=true",
  "metrics.service.enabled=true",
  "webhook.metrics.service.enabled=true",
  "certController.metrics.service.enabled=true",
  "nodeSelector.kubernetes\\.io/os=linux",
  "tolerations[0].key=dedicated,tolerations[0].operator=Exists,tolerations[0].effect=NoSchedule",
  "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=kubernetes.io/arch",
  "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=In",
  "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]=amd64",
  "securityContext.runAsUser=65532",
  "image.repository=registry.example.com/eso",
  "image.tag=1.2.3",
  "image.pullPolicy=Always",
  "crds.createClusterGenerator=false",
  "crds.createClusterPushSecret=false",
  "crds.annotations.example\\.com/owner=platform",
  "controllerClass=team-a",
  "processPushSecret=false",
  "log.level=debug",
  "refuseAmbientCredentialsForNamespacedStores=true",
  "allowKubeconfigProxy=true",
  "metrics.listen.secure.enabled=true",
  "metrics.listen.secure.secretName=eso-metrics-tls",
  "rbac.serviceAccountTokenCreate=false",
  "extraObjects[0].apiVersion=v1,extraObjects[0].kind=ConfigMap,extraObjects[0].metadata.name=extra,extraObjects[0].metadata.namespace=external-secrets",
];

const scopedValues = ["scopedNamespace=team-a", "scopedRBAC=true", "leaderElect=true"];

/**
 * Runs `eso <args>` as a container would (the Deployment's args) with test overrides appended, and waits until
 * its /healthz answers: every rendered flag was accepted. Resolves with the output if it exits instead.
 */
async function startsWithRenderedArgs(
  args: string[],
  overrides: string[],
  healthPort: number,
  whileUp?: () => Promise<void>,
): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, [cli, ...args, ...overrides], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline && child.exitCode === null) {
      if ((await httpStatus(`http://127.0.0.1:${healthPort}/healthz`)) === 200) {
        await whileUp?.();
        return "";
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return `eso ${args[0]} did not come up: ${out}`;
  } finally {
    child.kill("SIGTERM");
    // Graceful shutdown is each command's own test; here a slow one must not hang the chart test.
    const slow = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(slow);
  }
}

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
    assert.deepEqual(
      find(objs, "ServiceMonitor")
        .map((m) => m.metadata.name)
        .sort(),
      [
        "eso-external-secrets-cert-controller-metrics",
        "eso-external-secrets-metrics",
        "eso-external-secrets-webhook-metrics",
      ],
    );
    const hpa = find(objs, "HorizontalPodAutoscaler")[0];
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 10);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
  });

  test("shardMode renders the shard flags in place of leader election, placing by namespace when asked", async () => {
    const args = async (sets: string[]) =>
      find(await template(sets), "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0].args;
    const byName = await args(["shardMode=true", "leaderElect=true", "replicaCount=3"]);
    assert.ok(byName.includes("--shard-mode=true"));
    assert.ok(byName.includes("--shard-by=name"));
    assert.ok(!byName.some((a: string) => a.startsWith("--enable-leader-election")));
    const byNamespace = await args(["shardMode=true", "shardBy=namespace"]);
    assert.ok(byNamespace.includes("--shard-by=namespace"));
    assert.ok(!(await args([])).some((a: string) => a.startsWith("--shard")), "off by default");
  });

  test("upstream scheduling, security, image and CRD knobs render where upstream puts them", async () => {
    const objs = await template(everythingValues);
    const pod = find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec;
    const c = pod.containers[0];
    assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "linux" });
    assert.deepEqual(pod.tolerations, [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }]);
    assert.equal(
      pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]
        .key,
      "kubernetes.io/arch",
    );
    assert.equal(c.securityContext.runAsUser, 65532);
    assert.equal(c.image, "registry.example.com/eso:1.2.3");
    assert.equal(c.imagePullPolicy, "Always");
    for (const d of find(objs, "Deployment")) {
      assert.equal(d.spec.template.spec.containers[0].image, "registry.example.com/eso:1.2.3", d.metadata.name);
    }
    assert.ok(c.args.includes("--enable-leader-election=true"));
    assert.ok(c.args.includes("--controller-class=team-a"));
    assert.ok(c.args.includes("--enable-push-secret-reconciler=false"));
    assert.ok(c.args.includes("--loglevel=debug"));
    const crds = find(objs, "CustomResourceDefinition").map((d) => d.metadata.name);
    assert.ok(!crds.includes("clustergenerators.generators.external-secrets.io"));
    assert.ok(!crds.includes("clusterpushsecrets.external-secrets.io"));
    assert.equal(
      find(objs, "CustomResourceDefinition", "externalsecrets.external-secrets.io")[0].metadata.annotations[
        "example.com/owner"
      ],
      "platform",
    );
    assert.equal(find(objs, "PodDisruptionBudget").length, 3);
    assert.equal(find(objs, "PodDisruptionBudget", "eso-external-secrets-pdb")[0].spec.maxUnavailable, 1);
    assert.equal(find(objs, "ConfigMap", "extra").length, 1, "extraObjects");
    assert.equal(
      (await template(["installCRDs=false"])).filter((o) => o.kind === "CustomResourceDefinition").length,
      0,
    );
  });

  test("extraArgs as a map renders --key=value as upstream", async () => {
    const objs = await template(["extraArgs.enable-flood-protection=true"]);
    const c = find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0];
    assert.ok(c.args.includes("--enable-flood-protection=true"));
  });

  test("tenant-identity switches: off by default, each value passes its controller flag", async () => {
    const argsOf = (objs: any[]) =>
      find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0].args as string[];
    const defaults = argsOf(await template([]));
    assert.ok(!defaults.some((a) => /ambient-credentials|kubeconfig-proxy/.test(a)), defaults.join(" "));
    const on = argsOf(
      await template(["refuseAmbientCredentialsForNamespacedStores=true", "allowKubeconfigProxy=true"]),
    );
    assert.ok(on.includes("--refuse-ambient-credentials-for-namespaced-stores=true"));
    assert.ok(on.includes("--allow-kubeconfig-proxy=true"));
  });

  test("fairness defaults: several workers, a reconcile deadline, and a per-store limit when set", async () => {
    const argsOf = (objs: any[]) =>
      find(objs, "Deployment", "eso-external-secrets")[0].spec.template.spec.containers[0].args as string[];
    const defaults = argsOf(await template([]));
    const concurrent = Number(defaults.find((a) => a.startsWith("--concurrent="))?.split("=")[1]);
    assert.ok(concurrent >= 2, `one slow store must not take the only worker: ${defaults.join(" ")}`);
    assert.ok(defaults.includes("--reconcile-timeout=30s"), defaults.join(" "));
    assert.ok(!defaults.some((a) => a.startsWith("--max-concurrent-per-store")), defaults.join(" "));
    const set = argsOf(await template(["reconcileTimeout=10s", "maxConcurrentPerStore=3"]));
    assert.ok(set.includes("--reconcile-timeout=10s"));
    assert.ok(set.includes("--max-concurrent-per-store=3"));
  });

  test("scoped RBAC uses namespaced Roles and drops cluster kinds", async () => {
    const objs = await template(["scopedNamespace=team-a", "scopedRBAC=true"]);
    const role = find(objs, "Role", "eso-external-secrets-controller")[0];
    assert.equal(role.metadata.namespace, "team-a");
    const resources = role.rules.flatMap((r: any) => r.resources);
    assert.ok(!resources.includes("clustersecretstores"));
    assert.equal(find(objs, "ClusterRole", "eso-external-secrets-controller").length, 0);
    const canUpdate = (res: string) =>
      role.rules.some((r: any) => r.resources.includes(res) && r.verbs.includes("update"));
    assert.ok(canUpdate("pushsecrets"), "PushSecret finalizers need update on pushsecrets");
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
    assert.equal(find(objs, "NetworkPolicy").length, 3, "controller, webhook and cert controller");
    for (const kind of [
      "PodDisruptionBudget",
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
    const queries = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)).join("\n");
    for (const metric of [
      "externalsecrets_sync_calls_total",
      "externalsecrets_sync_duration_seconds",
      "externalsecrets_secrets_total",
      "externalsecrets_drift_detected_total",
      "externalsecrets_store_auth_failure_total",
      "externalsecret_sync_calls_error",
      "externalsecret_status_condition",
      "externalsecret_reconcile_duration",
      "secretstore_status_condition",
      "clustersecretstore_status_condition",
      "clusterexternalsecret_status_condition",
      "externalsecret_provider_api_calls_count",
    ]) {
      assert.match(queries, new RegExp(metric), `dashboard charts ${metric}`);
    }
    const egress = find(objs, "NetworkPolicy", "eso-external-secrets")[0].spec.egress.flatMap((r: any) =>
      r.ports.map((p: any) => p.port),
    );
    assert.deepEqual(egress, [53, 53, 443, 6443, 8200]);
  });

  describe("hardening toggles", () => {
    const controllerRole = (objs: any[]) =>
      find(objs, "ClusterRole", "eso-external-secrets-controller")[0] ??
      find(objs, "Role", "eso-external-secrets-controller")[0];
    const mintsTokens = (role: any) =>
      role.rules.some((r: any) => r.resources.includes("serviceaccounts/token") && r.verbs.includes("create"));
    const pod = (objs: any[], suffix: string) =>
      find(objs, "Deployment", `eso-external-secrets${suffix}`)[0].spec.template.spec;

    test("rbac.serviceAccountTokenCreate=false drops the controller's right to mint ServiceAccount tokens", async () => {
      assert.ok(mintsTokens(controllerRole(await template([]))), "granted by default, as upstream");
      assert.ok(!mintsTokens(controllerRole(await template(["rbac.serviceAccountTokenCreate=false"]))));
      const scoped = await template([...scopedValues, "rbac.serviceAccountTokenCreate=false"]);
      assert.ok(!mintsTokens(controllerRole(scoped)), "scoped Role too");
    });

    test("networkPolicy.enabled admits each component's own ports only", async () => {
      const objs = await template([
        "networkPolicy.enabled=true",
        "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring",
      ]);
      const policies = find(objs, "NetworkPolicy");
      assert.deepEqual(policies.map((p) => p.metadata.name).sort(), [
        "eso-external-secrets",
        "eso-external-secrets-cert-controller",
        "eso-external-secrets-webhook",
      ]);
      const ingress = (name: string) =>
        find(objs, "NetworkPolicy", name)[0].spec.ingress.map((r: any) => ({
          ports: r.ports.map((p: any) => p.port),
          from: r.from,
        }));
      const monitoring = [{ namespaceSelector: { matchLabels: { name: "monitoring" } } }];
      assert.deepEqual(ingress("eso-external-secrets"), [
        { ports: [8080], from: monitoring },
        { ports: [8082], from: undefined },
      ]);
      assert.deepEqual(ingress("eso-external-secrets-webhook"), [
        { ports: [10250], from: undefined },
        { ports: [8080], from: monitoring },
        { ports: [8081], from: undefined },
      ]);
      assert.deepEqual(ingress("eso-external-secrets-cert-controller"), [
        { ports: [8080], from: monitoring },
        { ports: [8081], from: undefined },
      ]);
      // Each policy selects its component's pods, and every rendered containerPort is admitted.
      for (const [policy, suffix] of <[string, string][]>[
        ["eso-external-secrets", ""],
        ["eso-external-secrets-webhook", "-webhook"],
        ["eso-external-secrets-cert-controller", "-cert-controller"],
      ]) {
        const np = find(objs, "NetworkPolicy", policy)[0];
        const p = pod(objs, suffix);
        const labels = find(objs, "Deployment", `eso-external-secrets${suffix}`)[0].spec.template.metadata.labels;
        for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) assert.equal(labels[k], v, policy);
        const admitted = np.spec.ingress.flatMap((r: any) => r.ports.map((x: any) => x.port)).sort();
        const served = p.containers[0].ports.map((x: any) => x.containerPort).sort();
        assert.deepEqual(admitted, served, `${policy} admits exactly the ports the pod serves`);
      }
      assert.deepEqual(find(objs, "NetworkPolicy", "eso-external-secrets-webhook")[0].spec.egress, []);
      const certEgress = find(objs, "NetworkPolicy", "eso-external-secrets-cert-controller")[0].spec.egress;
      assert.deepEqual(
        certEgress.flatMap((r: any) => r.ports.map((x: any) => `${x.protocol}/${x.port}`)),
        ["UDP/53", "TCP/53", "TCP/443", "TCP/6443"],
      );
      // A component's own switch and rules, under upstream's keys.
      const only = await template([
        "webhook.networkPolicy.enabled=true",
        "webhook.networkPolicy.egress[0].to[0].ipBlock.cidr=10.0.0.0/8",
      ]);
      assert.deepEqual(
        find(only, "NetworkPolicy").map((p) => p.metadata.name),
        ["eso-external-secrets-webhook"],
      );
      assert.equal(find(only, "NetworkPolicy")[0].spec.egress[0].to[0].ipBlock.cidr, "10.0.0.0/8");
    });

    test("metrics.listen.secure renders the flags, the certificate volume, the review RBAC and an HTTPS scrape", async () => {
      const off = await template(["serviceMonitor.enabled=true"]);
      assert.ok(!pod(off, "").containers[0].args.some((a: string) => a.startsWith("--metrics-secure")));
      assert.equal(find(off, "ClusterRole", "eso-external-secrets-metrics-auth").length, 0);

      const objs = await template([
        "metrics.listen.secure.enabled=true",
        "metrics.listen.secure.secretName=eso-metrics-tls",
        "serviceMonitor.enabled=true",
      ]);
      const p = pod(objs, "");
      const c = p.containers[0];
      assert.ok(c.args.includes("--metrics-secure=true"));
      assert.ok(c.args.includes("--metrics-cert-dir=/etc/tls"));
      const mount = c.volumeMounts.find((m: any) => m.name === "metrics-cert");
      assert.deepEqual(mount, { name: "metrics-cert", mountPath: "/etc/tls", readOnly: true });
      assert.equal(p.volumes.find((v: any) => v.name === "metrics-cert").secret.secretName, "eso-metrics-tls");
      const auth = find(objs, "ClusterRole", "eso-external-secrets-metrics-auth")[0];
      assert.deepEqual(
        auth.rules.map((r: any) => `${r.apiGroups[0]}/${r.resources[0]}:${r.verbs.join(",")}`),
        ["authentication.k8s.io/tokenreviews:create", "authorization.k8s.io/subjectaccessreviews:create"],
      );
      const binding = find(objs, "ClusterRoleBinding", "eso-external-secrets-metrics-auth")[0];
      assert.deepEqual(binding.subjects, [
        { kind: "ServiceAccount", name: "eso-external-secrets", namespace: "external-secrets" },
      ]);
      assert.deepEqual(find(objs, "ClusterRole", "eso-external-secrets-metrics-reader")[0].rules, [
        { nonResourceURLs: ["/metrics"], verbs: ["get"] },
      ]);
      const endpoint = find(objs, "ServiceMonitor", "eso-external-secrets-metrics")[0].spec.endpoints[0];
      assert.equal(endpoint.scheme, "https");
      assert.equal(endpoint.bearerTokenFile, "/var/run/secrets/kubernetes.io/serviceaccount/token");

      const selfSigned = pod(await template(["metrics.listen.secure.enabled=true"]), "");
      assert.ok(selfSigned.containers[0].args.includes("--metrics-secure=true"));
      assert.ok(!selfSigned.containers[0].args.some((a: string) => a.startsWith("--metrics-cert-dir")));
      assert.ok(!selfSigned.volumes.some((v: any) => v.name === "metrics-cert"));
    });

    test("only components that call the Kubernetes API get a ServiceAccount token", async () => {
      const objs = await template([]);
      assert.equal(pod(objs, "-webhook").automountServiceAccountToken, false, "the webhook never calls the API");
      assert.equal(pod(objs, "").automountServiceAccountToken, true);
      assert.equal(pod(objs, "-cert-controller").automountServiceAccountToken, true);
      const opted = await template(["webhook.serviceAccount.automount=true"]);
      assert.equal(pod(opted, "-webhook").automountServiceAccountToken, true);
    });
  });

  describe("every rendered object applies to the in-process API server with kubectl", () => {
    let kubectlPath: string;
    let dir: string;
    before(async () => {
      kubectlPath = (await kubectlBinaries()).kubectl;
      dir = await mkdtemp(join(tmpdir(), "eso-chart-"));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const monitoringCRD = (plural: string, kind: string) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${plural}.monitoring.coreos.com` },
      spec: {
        group: "monitoring.coreos.com",
        scope: "Namespaced",
        names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    });

    const cases: [string, string[], string[]][] = [
      ["default values", [], ["external-secrets"]],
      ["the seeds' production values", seedValues, ["external-secrets"]],
      ["every optional object and non-default knobs", everythingValues, ["external-secrets"]],
      ["scoped to one namespace", scopedValues, ["external-secrets", "team-a"]],
    ];
    for (const [label, sets, namespaces] of cases) {
      test(label, async () => {
        const api = await startApiServer();
        const caseDir = await mkdtemp(join(dir, "case-"));
        const kubeconfig = join(caseDir, "kubeconfig");
        await api.writeKubeconfig(kubeconfig);
        const env = { PATH: process.env.PATH, HOME: caseDir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(caseDir, "c") };
        const kubectl = async (...args: string[]) => {
          try {
            const r = await run(kubectlPath, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
            return { code: 0, stdout: r.stdout, stderr: r.stderr };
          } catch (e) {
            const err = e as { code: number; stdout: string; stderr: string };
            return { code: err.code, stdout: err.stdout, stderr: err.stderr };
          }
        };
        try {
          for (const ns of namespaces) assert.equal((await kubectl("create", "namespace", ns)).code, 0);
          // A cluster with prometheus-operator installed, as serviceMonitor/prometheusRule expect.
          await writeFile(
            join(caseDir, "monitoring.json"),
            JSON.stringify({
              apiVersion: "v1",
              kind: "List",
              items: [
                monitoringCRD("servicemonitors", "ServiceMonitor"),
                monitoringCRD("prometheusrules", "PrometheusRule"),
              ],
            }),
          );
          // The in-process server publishes no OpenAPI document, so kubectl's client-side schema check is off.
          const mon = await kubectl("apply", "--validate=false", "-f", join(caseDir, "monitoring.json"));
          assert.equal(mon.code, 0, mon.stderr);

          const args = [
            "template",
            "eso",
            chart,
            "--namespace",
            "external-secrets",
            ...sets.flatMap((s) => ["--set", s]),
          ];
          const rendered = (await run(helm, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
          const objs = parseAllDocuments(rendered)
            .map((d) => d.toJS())
            .filter(Boolean);
          await writeFile(join(caseDir, "rendered.yaml"), rendered);

          const first = await kubectl("apply", "--validate=false", "-f", join(caseDir, "rendered.yaml"));
          assert.equal(first.code, 0, first.stderr);
          const created = first.stdout.split("\n").filter((l) => / created$/.test(l));
          assert.equal(created.length, objs.length, `every object created:\n${first.stdout}`);
          const again = await kubectl("apply", "--validate=false", "-f", join(caseDir, "rendered.yaml"));
          assert.equal(again.code, 0, again.stderr);
          assert.ok(!/ created$/m.test(again.stdout), "re-applying is idempotent");
          const listed = await kubectl("get", "-f", join(caseDir, "rendered.yaml"), "-o", "name");
          assert.equal(listed.code, 0, listed.stderr);
          assert.equal(listed.stdout.trim().split("\n").length, objs.length);

          // The Deployments' args are accepted by the binary they run.
          const deployment = (suffix: string) =>
            find(objs, "Deployment", `eso-external-secrets${suffix}`)[0]?.spec.template.spec.containers[0].args as
              | string[]
              | undefined;
          const controllerArgs = deployment("");
          if (controllerArgs) {
            const port = await freePort();
            const failed = await startsWithRenderedArgs(
              controllerArgs,
              [`--kubeconfig=${kubeconfig}`, `--health-addr=127.0.0.1:${port}`, "--metrics-addr=0"],
              port,
            );
            assert.equal(failed, "", "eso controller accepts the chart's flags");
          }
          const webhookArgs = deployment("-webhook");
          assert.ok(webhookArgs);
          const webhookHealth = await freePort();
          const webhookFailed = await startsWithRenderedArgs(
            webhookArgs,
            [
              "--bind-address=127.0.0.1",
              "--port=0",
              `--cert-dir=${join(caseDir, "certs")}`,
              `--healthz-addr=127.0.0.1:${webhookHealth}`,
              "--metrics-addr=0",
            ],
            webhookHealth,
          );
          assert.equal(webhookFailed, "", "eso webhook accepts the chart's flags");

          const certArgs = deployment("-cert-controller");
          assert.ok(certArgs);
          const certHealth = await freePort();
          const get = async (...what: string[]) => JSON.parse((await kubectl("get", ...what, "-o", "json")).stdout);
          const certFailed = await startsWithRenderedArgs(
            certArgs,
            [`--kubeconfig=${kubeconfig}`, `--healthz-addr=127.0.0.1:${certHealth}`, "--metrics-addr=0"],
            certHealth,
            async () => {
              // The cert controller fills the chart's Secret and injects the CA into the chart's objects.
              const deadline = Date.now() + 30_000;
              let vwc: any;
              let crd: any;
              while (Date.now() < deadline) {
                vwc = await get("validatingwebhookconfiguration", "eso-external-secrets-webhook");
                crd = await get("crd", "externalsecrets.external-secrets.io");
                if (
                  vwc.webhooks.every((w: any) => w.clientConfig.caBundle) &&
                  crd.spec.conversion?.webhook?.clientConfig?.caBundle
                ) {
                  break;
                }
                await new Promise((r) => setTimeout(r, 100));
              }
              const secret = await get("secret", "eso-external-secrets-webhook", "-n", "external-secrets");
              assert.ok(secret.data?.["tls.crt"] && secret.data["tls.key"], "serving certificate written");
              for (const w of vwc.webhooks) assert.equal(w.clientConfig.caBundle, secret.data["ca.crt"], w.name);
              assert.equal(crd.spec.conversion.webhook.clientConfig.caBundle, secret.data["ca.crt"]);
              // RBAC lets it update exactly the CRDs that convert through the webhook.
              const role = find(objs, "ClusterRole", "eso-external-secrets-cert-controller")[0];
              const names = role.rules.find(
                (r: any) => r.verbs.includes("update") && r.resources.includes("customresourcedefinitions"),
              ).resourceNames as string[];
              const converting = find(objs, "CustomResourceDefinition")
                .filter((c) => c.spec.conversion?.strategy === "Webhook")
                .map((c) => c.metadata.name);
              for (const name of converting) assert.ok(names.includes(name), `may update ${name}`);
            },
          );
          assert.equal(certFailed, "", "eso certcontroller accepts the chart's flags");
        } finally {
          await api.stop();
        }
      });
    }
  });

  test("the chart's CRD copies match the generated API (run `npm run crds` when this fails)", () => {
    for (const crd of allCRDs() as any[]) {
      const file = join(chart, "files/crds", `${crd.metadata.name}.yaml`);
      assert.deepEqual(parseYaml(readFileSync(file, "utf8")), JSON.parse(JSON.stringify(crd)), crd.metadata.name);
    }
  });
});
