/** The chart's genericTargets values: the controller flag and the RBAC generic targets need, off by default. */
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

describe("Helm chart: genericTargets", () => {
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

  const writes = (rules: Rule[], group: string, resource: string) =>
    rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes("create"));

  test("off by default: no flag, ConfigMaps only readable", async () => {
    const { args, rules } = await render([]);
    assert.ok(!args.some((a) => a.includes("generic-targets")), args.join(" "));
    assert.ok(!writes(rules, "", "configmaps"));
  });

  test("enabled: the flag, ConfigMap writes, and each listed kind", async () => {
    const { args, rules } = await render([
      "genericTargets.enabled=true",
      "genericTargets.resources[0].apiGroup=argoproj.io",
      "genericTargets.resources[0].resources[0]=applications",
    ]);
    assert.ok(args.includes("--unsafe-allow-generic-targets=true"), args.join(" "));
    assert.ok(writes(rules, "", "configmaps"));
    assert.ok(writes(rules, "argoproj.io", "applications"));
    const watchable = rules.find((r) => r.resources.includes("applications"));
    assert.ok(watchable?.verbs.includes("watch") && watchable.verbs.includes("delete"));
  });
});
