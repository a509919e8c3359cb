import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { ApiServer } from "../../src/apiserver/index.js";
import { help, LEADER_ELECTION_ID, parseFlags, run } from "../../src/cli/controller.js";
import { type KubeClient, type KubeObject, LEASES, NAMESPACES, SECRETS } from "../../src/kube/index.js";
import type { Lease } from "../../src/runtime/leader.js";

import { eventually } from "../support/poll.js";
import { startCluster } from "../support/world.js";

const main = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

interface Proc {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string;
  exited: Promise<number | null>;
}

function eso(args: string[]): Proc {
  const child = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const p: Proc = { child, lines: [], stderr: "", exited: Promise.resolve(null) };
  let buf = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buf += chunk;
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf("\n");
      try {
        p.lines.push(JSON.parse(line));
      } catch {
        p.lines.push({ raw: line });
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (c: string) => {
    p.stderr += c;
  });
  p.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  return p;
}

describe("eso controller", () => {
  let api: ApiServer;
  let client: KubeClient;
  let dir: string;
  before(async () => {
    ({ api, client } = await startCluster());
    dir = mkdtempSync(join(tmpdir(), "eso-controller-"));
  });
  after(async () => {
    client.close();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("parses upstream flag names and defaults", () => {
    const d = parseFlags([]);
    assert.equal(d.concurrent, 1);
    assert.equal(d["metrics-addr"], ":8080");
    assert.equal(d["enable-leader-election"], false);
    assert.equal(d["enable-flood-protection"], true);
    assert.equal(d["client-qps"], 50);
    assert.equal(d["client-burst"], 100);
    const f = parseFlags([
      "--concurrent=4",
      "--enable-leader-election",
      "--enable-push-secret-reconciler=false",
      "-namespace",
      "app",
    ]);
    assert.equal(f.concurrent, 4);
    assert.equal(f["enable-leader-election"], true);
    assert.equal(f["enable-push-secret-reconciler"], false);
    assert.equal(f.namespace, "app");
    // Seed 003 passes this spelling through the chart's extraArgs.
    assert.equal(parseFlags(["--max-concurrent-reconciles=10"]).concurrent, 10);
    assert.throws(() => parseFlags(["--client-qps", "fast"]), /--client-qps/);
    assert.throws(() => parseFlags(["--no-such-flag"]), /unknown flag --no-such-flag/);
  });

  it("documents every flag with examples and rejects bad flags with exit code 2", async () => {
    for (const flag of ["--concurrent", "--metrics-addr", "--health-addr", "--enable-leader-election", "--namespace"]) {
      assert.ok(help.includes(flag), flag);
    }
    assert.match(help, /Examples:\n {2}# in a pod/);
    assert.equal(await run(["--concurrent", "-1"]), 2);
    assert.equal(await run(["--kubeconfig", join(dir, "missing")]), 2);
  });

  it("syncs an ExternalSecret against the API server, serves probes, and exits cleanly on SIGTERM", async () => {
    const kubeconfig = join(dir, "kubeconfig");
    await api.writeKubeconfig(kubeconfig);
    await client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name: "app" } });
    await client.request({
      method: "POST",
      path: "/apis/external-secrets.io/v1/namespaces/app/secretstores",
      body: {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "fake", namespace: "app" },
        spec: { provider: { fake: { data: [{ key: "/db", value: '{"password":"s3cr3t-value"}' }] } } },
      },
    });
    await client.request({
      method: "POST",
      path: "/apis/external-secrets.io/v1/namespaces/app/externalsecrets",
      body: {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name: "db", namespace: "app" },
        spec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "fake", kind: "SecretStore" },
          target: { name: "db-secret" },
          data: [{ secretKey: "password", remoteRef: { key: "/db", property: "password" } }],
        },
      },
    });
    const tokenFile = join(dir, "notify-token");
    writeFileSync(tokenFile, "notify-test-token\n");
    const p = eso([
      "controller",
      "--kubeconfig",
      kubeconfig,
      "--notify-addr=127.0.0.1:0",
      `--notify-token-file=${tokenFile}`,
      "--health-addr=127.0.0.1:0",
      "--metrics-addr=127.0.0.1:0",
      "--enable-leader-election",
      "--leader-election-namespace=default",
      "--loglevel=debug",
    ]);
    try {
      await eventually(
        async () => {
          const s = await client.get<KubeObject & { data?: Record<string, string> }>(SECRETS, "app", "db-secret");
          return s?.data?.password !== undefined;
        },
        { what: "Secret written by the controller", timeoutMs: 30_000 },
      );
      const secret = await client.get<KubeObject & { data: Record<string, string> }>(SECRETS, "app", "db-secret");
      assert.equal(Buffer.from(secret!.data.password!, "base64").toString(), "s3cr3t-value");
      const lease = await client.get<Lease>(LEASES, "default", LEADER_ELECTION_ID);
      assert.ok(lease?.spec?.holderIdentity);

      const addrOf = (msg: string) => p.lines.find((l) => l.msg === msg)?.addr as string | undefined;
      const health = addrOf("serving health probes");
      const metrics = addrOf("serving metrics");
      assert.ok(health && metrics, "endpoints logged");
      await eventually(async () => (await fetch(`http://${health}/readyz`)).status === 200, {
        what: "ready",
        timeoutMs: 15_000,
      });
      assert.equal((await fetch(`http://${health}/healthz`)).status, 200);
      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      assert.match(text, /controller_runtime_reconcile_total\{controller="externalsecret",result="[a-z_]+"\} [1-9]/);
      assert.match(text, /leader_election_master_status\{name="external-secrets-controller"\} 1/);
      assert.match(text, /rest_client_requests_total\{code="200",method="GET"/);

      // Event-driven refresh: the endpoint refuses a request without the token and re-syncs the named reader.
      const notifyUrl = p.lines.find((l) => l.msg === "notification endpoint listening")?.url as string | undefined;
      assert.ok(notifyUrl, "notification endpoint logged");
      const body = JSON.stringify({ store: { kind: "SecretStore", namespace: "app", name: "fake" }, key: "/db" });
      const post = (headers: Record<string, string>) =>
        fetch(`${notifyUrl}/notify`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body,
        });
      assert.equal((await post({})).status, 401);
      const accepted = await post({ authorization: "Bearer notify-test-token" });
      assert.equal(accepted.status, 202);
      assert.deepEqual(await accepted.json(), { resynced: 1 });

      p.child.kill("SIGTERM");
      const code = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r("hung"), 20_000))]);
      assert.equal(code, 0, `exit code; stderr: ${p.stderr}`);
      const released = await client.get<Lease>(LEASES, "default", LEADER_ELECTION_ID);
      assert.equal(released?.spec?.holderIdentity, "", "lease released on shutdown");
      assert.ok(p.lines.some((l) => l.msg === "shutdown complete"));
      const all = JSON.stringify(p.lines);
      assert.ok(!all.includes("s3cr3t-value"), "no secret value in any log line");
      assert.ok(!all.includes(Buffer.from("s3cr3t-value").toString("base64")), "nor its base64");
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
  });
});
