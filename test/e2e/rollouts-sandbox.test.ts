/** `eso dev`'s rotation demonstration also rolls the demo Deployment, and says so. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEMO } from "../../src/sandbox/demo.js";
import { startSandbox } from "../../src/sandbox/sandbox.js";

describe("sandbox rotation rolls the demo Deployment", () => {
  it("rotate(): the Secret gets the new value, then Deployment web is rolled with the new data hash", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eso-rollout-demo-"));
    const lines: string[] = [];
    const sandbox = await startSandbox({ kubeconfigPath: join(dir, "kubeconfig"), write: (l) => lines.push(l) });
    try {
      await sandbox.apply();
      assert.ok(lines.some((l) => l.startsWith(`created Deployment ${DEMO.namespace}/${DEMO.deployment}`)));
      await sandbox.waitUntilReady(30_000);
      assert.ok(!lines.some((l) => l.startsWith("rolled Deployment")), "nothing rolls before a change");
      const r = await sandbox.rotate();
      await r.waitApplied(30_000);
      const rolled = lines.filter((l) => l.startsWith(`rolled Deployment ${DEMO.namespace}/${DEMO.deployment}`));
      assert.equal(rolled.length, 1, lines.join("\n"));
      assert.match(rolled[0]!, new RegExp(`Secret ${DEMO.secret} changed \\(data hash [0-9a-f]{12}`));
    } finally {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
