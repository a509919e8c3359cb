import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";

// Compiled tests run the compiled CLI; tests run from TypeScript run the TypeScript CLI through tsx.
const fromSource = fileURLToPath(import.meta.url).endsWith(".ts");
const cli = fromSource
  ? ["--import", "tsx", fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))]
  : [fileURLToPath(new URL("../../src/cli/main.js", import.meta.url))];

test("eso apiserver serves on loopback, writes a kubeconfig client-node accepts, and stops on SIGTERM", async () => {
  const dir = await mkdtemp(join(tmpdir(), "eso-apiserver-cli-"));
  const kubeconfig = join(dir, "kubeconfig");
  const child = spawn(process.execPath, [...cli, "apiserver", "--kubeconfig", kubeconfig], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!out.includes("kubeconfig written to")) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`apiserver did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url, out);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    assert.equal(kc.getCurrentCluster()?.server, url);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const names = (await core.listNamespace()).items.map((n) => n.metadata!.name);
    assert.ok(names.includes("default"));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(out, /eso apiserver stopped/);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    await rm(dir, { recursive: true, force: true });
  }
});
