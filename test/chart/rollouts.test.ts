/** The chart's rollouts values: off by default (no flag, no access to workloads); on: the flags and patch rights. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";

const run = promisify(execFile);
const chart = join(repoRoot(), "deploy/charts/external-secrets");

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

describe("Helm chart: rollouts", () => {
  let helm: string;
  before(async () => {
    helm = (await kubectlBinaries()).helm;
  });

  async function render(sets: string[]) {
    const args = ["template", "eso", chart, "--namespace", "external-secrets", ...sets.flatMap((s) => ["--set", s])];
    const { stdout } = await run(helm, args, { maxBuffer: 64 * 1024 * 1024 });
    const objs = parseAllDocuments(stdout)
      .map((d) => d.toJS())
      .filter(Boolean);
    const deployment = objs.find((o) => o.kind === "Deployment" && o.metadata.name === "eso-external-secrets");
    const role = objs.find((o) => o.kind === "ClusterRole" && o.metadata.name === "eso-external-secrets-controller");
    return { args: deployment.spec.template.spec.containers[0].args as string[], rules: role.rules as Rule[] };
  }

  const can = (rules: Rule[], verb: string, resource: string) =>
    rules.some((r) => r.apiGroups.includes("apps") && r.resources.includes(resource) && r.verbs.includes(verb));

  test("off by default: no flag and no access to Deployments, StatefulSets or DaemonSets", async () => {
    const { args, rules } = await render([]);
    assert.ok(!args.some((a) => a.includes("workload-rollout")), args.join(" "));
    for (const r of ["deployments", "statefulsets", "daemonsets"]) {
      assert.ok(!can(rules, "watch", r) && !can(rules, "patch", r), r);
    }
  });

  test("enabled: the flags, and list/watch/patch on the three kinds only", async () => {
    const { args, rules } = await render(["rollouts.enabled=true", "rollouts.interval=5m"]);
    assert.ok(args.includes("--enable-workload-rollouts=true"), args.join(" "));
    assert.ok(args.includes("--workload-rollout-interval=5m"), args.join(" "));
    for (const r of ["deployments", "statefulsets", "daemonsets"]) {
      assert.ok(can(rules, "list", r) && can(rules, "watch", r) && can(rules, "patch", r), r);
      assert.ok(!can(rules, "delete", r) && !can(rules, "update", r), r);
    }
  });
});
