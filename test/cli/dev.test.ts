import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";
import { eso, esoAsync, RunningEso } from "./cli-runner.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "eso-dev-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const DEMO_ES = [
  "payments/registry-credentials",
  "sandbox/admin-password",
  "sandbox/app-config",
  "sandbox/db-credentials",
];

interface Row {
  namespace: string;
  name: string;
  ready: boolean;
  reason: string;
  secret: string;
  keys: string[];
}

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { kubectl: bin } = await kubectlBinaries();
  const { stdout } = await run(bin, ["--kubeconfig", kubeconfig, ...args], { timeout: 60_000 });
  return stdout;
}

describe("eso dev", () => {
  it("--once brings every demo ExternalSecret to Ready, prints a summary, and exits 0", async () => {
    const kubeconfig = join(dir, "once.kubeconfig");
    const r = await esoAsync("dev", "--once", "--port", "0", "--kubeconfig", kubeconfig, "-o", "json");
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Row[];
    assert.deepEqual(
      rows.map((x) => `${x.namespace}/${x.name}`),
      DEMO_ES,
    );
    for (const row of rows) {
      assert.equal(row.ready, true, `${row.name}: ${row.reason}`);
      assert.equal(row.reason, "SecretSynced");
    }
    const keys = Object.fromEntries(rows.map((x) => [x.name, x.keys]));
    assert.deepEqual(keys["db-credentials"], ["api-token", "password", "username"]);
    assert.deepEqual(keys["app-config"], ["feature-flags", "log-level", "region", "replicas"]);
    assert.deepEqual(keys["registry-credentials"], [".dockerconfigjson"]);
    assert.deepEqual(keys["admin-password"], ["password"]);
    assert.match(r.stderr, new RegExp(`kubectl --kubeconfig ${kubeconfig} get es,secrets -A`));
    assert.ok(existsSync(kubeconfig));
  });

  it("serves kubectl with the kubeconfig it writes, shows rotation and drift typed on stdin, stops on SIGTERM", async () => {
    const kubeconfig = join(dir, "live.kubeconfig");
    const dev = new RunningEso(["dev", "--kubeconfig", kubeconfig]);
    try {
      await dev.waitFor(/all 4 demo ExternalSecrets are Ready/);
      await dev.waitFor(/Press r to rotate/);
      const es = await kubectl(kubeconfig, "get", "es", "-A");
      for (const id of DEMO_ES) {
        const [ns, name] = id.split("/");
        assert.match(es, new RegExp(`${ns}\\s+${name}\\s+.*SecretSynced\\s+True`), es);
      }
      const both = await kubectl(kubeconfig, "get", "es,secrets", "-A");
      assert.match(both, /secret\/db-credentials\s+Opaque\s+3/);
      assert.match(both, /secret\/registry-credentials\s+kubernetes\.io\/dockerconfigjson\s+1/);
      const username = await kubectl(
        kubeconfig,
        "get",
        "secret",
        "db-credentials",
        "-n",
        "sandbox",
        "-o",
        "jsonpath={.data.username}",
      );
      assert.equal(Buffer.from(username, "base64").toString(), "app");

      dev.type("r\n");
      await dev.waitFor(/updated\s+ExternalSecret sandbox\/db-credentials\s+Updated: secret updated/);
      const token = await kubectl(
        kubeconfig,
        "get",
        "secret",
        "db-credentials",
        "-n",
        "sandbox",
        "-o",
        "jsonpath={.data.api-token}",
      );
      assert.notEqual(Buffer.from(token, "base64").toString(), "tok-v1");

      dev.type("d\n");
      await dev.waitFor(/restored\s+ExternalSecret sandbox\/db-credentials\s+DriftRestored/);
      assert.doesNotMatch(dev.stdout, /s3cr3t|tok-/, "values never reach the live view");
    } finally {
      const code = await dev.stop("SIGTERM");
      assert.equal(code, 0, dev.stderr);
    }
    assert.match(dev.stdout, /stopping \(SIGTERM\)\.\.\.\nsandbox stopped\n$/);
  });

  it("--demo-rotate and --demo-drift with --once wait for both effects and exit 0", async () => {
    const r = await esoAsync(
      "dev",
      "--once",
      "--demo-rotate",
      "--demo-drift",
      "--kubeconfig",
      join(dir, "demo.kubeconfig"),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /rotation applied: Secret sandbox\/db-credentials key api-token has the new value/);
    assert.match(r.stdout, /drift restored: Secret sandbox\/db-credentials key password/);
  });

  it("--data-dir keeps objects across two runs (a generated password is not generated again)", async () => {
    const dataDir = join(dir, "state");
    const first = await esoAsync("dev", "--once", "--data-dir", dataDir, "--demo-rotate");
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /applied 9 demo object\(s\)/);
    assert.ok(existsSync(join(dataDir, "kubeconfig")));

    const snapshot = async () => {
      const dev = new RunningEso(["dev", "--data-dir", dataDir]);
      try {
        await dev.waitFor(/all 4 demo ExternalSecrets are Ready/);
        const kc = join(dataDir, "kubeconfig");
        const get = (name: string, key: string) =>
          kubectl(kc, "get", "secret", name, "-n", "sandbox", "-o", `jsonpath={.data.${key}}`);
        return {
          stdout: dev.stdout,
          password: await get("admin-password", "password"),
          uid: await kubectl(kc, "get", "secret", "admin-password", "-n", "sandbox", "-o", "jsonpath={.metadata.uid}"),
          token: await get("db-credentials", "api-token"),
        };
      } finally {
        assert.equal(await dev.stop("SIGINT"), 0, dev.stderr);
      }
    };
    const second = await snapshot();
    assert.match(second.stdout, /kept 9 object\(s\) already in the data dir/);
    assert.doesNotMatch(second.stdout, /applied \d+ demo object/);
    // The rotated value from the first run survived the restart.
    assert.notEqual(Buffer.from(second.token, "base64").toString(), "tok-v1");
    const third = await snapshot();
    assert.equal(third.password, second.password);
    assert.equal(third.uid, second.uid);
  });

  it("--once exits 1 when an ExternalSecret does not become Ready, naming it and its condition message", async () => {
    const manifests = join(dir, "broken-set");
    mkdirSync(manifests);
    copyFileSync(join(repoRoot(), "examples", "sandbox", "00-namespaces.yaml"), join(manifests, "00-namespaces.yaml"));
    copyFileSync(
      join(repoRoot(), "examples", "sandbox", "10-secretstore.yaml"),
      join(manifests, "10-secretstore.yaml"),
    );
    writeFileSync(
      join(manifests, "20-broken.yaml"),
      [
        "apiVersion: external-secrets.io/v1",
        "kind: ExternalSecret",
        "metadata: {name: broken, namespace: sandbox}",
        "spec:",
        "  secretStoreRef: {name: demo-store}",
        "  data:",
        "    - secretKey: x",
        "      remoteRef: {key: /db/credentials, property: nope}",
        "",
      ].join("\n"),
    );
    const r = await esoAsync(
      "dev",
      "--once",
      "--timeout",
      "4",
      "--manifests",
      manifests,
      "--kubeconfig",
      join(dir, "broken.kubeconfig"),
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /error\s+ExternalSecret sandbox\/broken\s+SecretSyncedError: .*\.data\[0\], key: \/db\/credentials/,
    );
    assert.match(r.stderr, /not Ready:\n {2}sandbox\/broken: SecretSyncedError: .*property "nope" does not exist/);
    assert.match(r.stdout, /sandbox stopped after an error/);
  });

  it("usage errors exit 2 and --help shows examples", () => {
    assert.equal(eso("dev", "--port", "x").code, 2);
    assert.equal(eso("dev", "--output", "json").code, 2, "--output needs --once");
    assert.equal(eso("dev", "--bogus").code, 2);
    const help = eso("dev", "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n {2}npm start/);
  });
});
