import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

test("eso with an unknown command exits 2 and prints usage", () => {
  const r = spawnSync(process.execPath, [cli, "no-such-command"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "no-such-command"/);
  assert.match(r.stderr, /Usage: eso <command>/);
});
