import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { startApiServer } from "../../src/apiserver/index.js";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";

const run = promisify(execFile);
const root = repoRoot();
const installPath = join(root, "deploy/install.yaml");
const bundlePath = join(root, "deploy/crds/bundle.yaml");

const docs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter(Boolean) as any[];

describe("deploy/install.yaml (kubectl install path)", () => {
  test("is the chart rendered with default values (run `node scripts/render-install.mjs` when this fails)", async () => {
    await kubectlBinaries();
    const { stdout } = await run(process.execPath, [join(root, "scripts/render-install.mjs"), "--print"], {
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(stdout.length > 0);
    assert.equal(readFileSync(installPath, "utf8"), stdout);
  });

  test("holds its Namespace first, every namespaced object in it, and no CRDs", () => {
    const objs = docs(readFileSync(installPath, "utf8"));
    assert.equal(objs[0].kind, "Namespace");
    assert.equal(objs[0].metadata.name, "external-secrets");
    assert.equal(objs.filter((o) => o.kind === "CustomResourceDefinition").length, 0, "CRDs come from the bundle");
    const clusterScoped = new Set([
      "Namespace",
      "ClusterRole",
      "ClusterRoleBinding",
      "ValidatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
    ]);
    for (const o of objs.filter((x) => !clusterScoped.has(x.kind))) {
      assert.equal(o.metadata.namespace, "external-secrets", `${o.kind}/${o.metadata.name}`);
    }
    const deployments = objs.filter((o) => o.kind === "Deployment");
    assert.deepEqual(deployments.map((d) => d.spec.template.spec.containers[0].args[0]).sort(), [
      "certcontroller",
      "controller",
      "webhook",
    ]);
  });

  test("kubectl apply of the CRD bundle and install.yaml creates the operator's objects", async () => {
    const { kubectl: kubectlPath } = await kubectlBinaries();
    const api = await startApiServer();
    const dir = await mkdtemp(join(tmpdir(), "eso-install-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await api.writeKubeconfig(kubeconfig);
      const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, "cache") };
      const kubectl = async (...args: string[]) => {
        try {
          const r = await run(kubectlPath, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
          return { code: 0, stdout: r.stdout, stderr: r.stderr };
        } catch (e) {
          const err = e as { code: number; stdout: string; stderr: string };
          return { code: err.code, stdout: err.stdout, stderr: err.stderr };
        }
      };
      // The documented command; the in-process server publishes no OpenAPI document for client-side validation.
      const applied = await kubectl("apply", "--server-side", "--validate=false", "-f", bundlePath, "-f", installPath);
      assert.equal(applied.code, 0, applied.stderr);
      const objs = docs(readFileSync(installPath, "utf8"));
      const names = (kind: string) => objs.filter((o) => o.kind === kind).map((o) => o.metadata.name as string);
      const expectKinds: [string, string, boolean][] = [
        ["deployment", "Deployment", true],
        ["serviceaccount", "ServiceAccount", true],
        ["role", "Role", true],
        ["rolebinding", "RoleBinding", true],
        ["clusterrole", "ClusterRole", false],
        ["clusterrolebinding", "ClusterRoleBinding", false],
        ["service", "Service", true],
        ["validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false],
      ];
      for (const [resource, kind, namespaced] of expectKinds) {
        const want = names(kind);
        assert.ok(want.length > 0, `install.yaml holds a ${kind}`);
        const got = await kubectl(
          "get",
          resource,
          ...(namespaced ? ["-n", "external-secrets"] : []),
          "-o",
          "jsonpath={.items[*].metadata.name}",
        );
        assert.equal(got.code, 0, got.stderr);
        const present = new Set(got.stdout.split(" ").filter(Boolean));
        for (const name of want) assert.ok(present.has(name), `${kind} ${name} exists after apply`);
      }
      const controller = await kubectl("get", "deployment", "external-secrets", "-n", "external-secrets", "-o", "json");
      assert.equal(controller.code, 0, controller.stderr);
      const sa = JSON.parse(controller.stdout).spec.template.spec.serviceAccountName;
      assert.equal(sa, "external-secrets");
      const binding = JSON.parse(
        (await kubectl("get", "clusterrolebinding", "external-secrets-controller", "-o", "json")).stdout,
      );
      assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: sa, namespace: "external-secrets" }]);
      const crds = await kubectl("get", "crd", "-o", "jsonpath={.items[*].metadata.name}");
      for (const crd of docs(readFileSync(bundlePath, "utf8"))) {
        assert.ok(crds.stdout.split(" ").includes(crd.metadata.name), `CRD ${crd.metadata.name} installed`);
      }
      const again = await kubectl("apply", "--server-side", "--validate=false", "-f", bundlePath, "-f", installPath);
      assert.equal(again.code, 0, again.stderr);
    } finally {
      await api.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
