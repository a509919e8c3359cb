/**
 * Attack 7, unbounded responses: a tenant's webhook store points at a server that answers with an endless body
 * (it would go on for 1 GiB). The sync must fail with the size-cap error, the operator's memory must stay
 * bounded, and the server must see its connection closed long before the body ends. `eso render` against the
 * same server fails the same way with bounded memory.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../support/kubectl.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  readyCondition,
  startHarness,
} from "../support/world.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const CAP_ERROR = /webhook response exceeds the 16 MiB size cap/;
const NS = "tenant-flood";

/** Streams `{"value": "xxxx...` as fast as the reader takes it, up to 1 GiB, and records how far it got. */
class EndlessBody {
  private server!: Server;
  url = "";
  requests = 0;
  /** Bytes written before each connection closed, for connections the client closed before the body ended. */
  closedEarlyAfter: number[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests++;
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, "x");
      let sent = 0;
      let closed = false;
      res.on("close", () => {
        closed = true;
        if (!res.writableFinished) this.closedEarlyAfter.push(sent);
      });
      res.write('{"value": "');
      const pump = () => {
        while (!closed && sent < GiB) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        if (!closed) res.end('"}');
      };
      pump();
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** Samples this process's RSS every 20 ms until stopped; `peak()` is the highest seen. */
function sampleRss(): { peak(): number; stop(): void } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    stop: () => clearInterval(t),
  };
}

function webhookStore(namespace: string, url: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "flood", namespace },
    spec: { provider: { webhook: { url, timeout: "10m", result: { jsonPath: "$.value" } } } },
  };
}

const es = (namespace: string) =>
  externalSecret("flooded", namespace, {
    refreshInterval: "1h",
    secretStoreRef: { name: "flood" },
    data: [{ secretKey: "value", remoteRef: { key: "k" } }],
  });

describe("a webhook store whose server answers with an endless body", () => {
  let h: Harness;
  const backend = new EndlessBody();

  before(async () => {
    await backend.start();
    h = await startHarness();
    await createNamespace(h, NS);
    await createReadyStore(h, webhookStore(NS, `${backend.url}/?key={{ .remoteRef.key }}`));
  });

  after(async () => {
    await h?.stop();
    await backend.stop();
  });

  it("fails the sync with the size cap, with bounded memory, and closes the connection early", async () => {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const rss = sampleRss();
    try {
      await h.client.create(EXTERNAL_SECRETS, es(NS));
      const c = await eventually(
        async () => {
          const cond = await readyCondition(h, EXTERNAL_SECRETS, NS, "flooded");
          return cond?.status === "False" ? cond : undefined;
        },
        { timeoutMs: 60_000, what: "the ExternalSecret reports the failure" },
      );
      assert.match(c.message ?? "", CAP_ERROR);
      assert.doesNotMatch(c.message ?? "", /xxxx/, "no body text in the condition");
      await eventually(async () => backend.closedEarlyAfter.length > 0, {
        timeoutMs: 10_000,
        what: "the server sees the connection closed",
      });
    } finally {
      rss.stop();
    }
    const grew = rss.peak() - baseline;
    const furthest = Math.max(...backend.closedEarlyAfter);
    console.log(
      `# operator: RSS grew ${(grew / MiB).toFixed(1)} MiB; connections closed after at most ${(furthest / MiB).toFixed(1)} MiB`,
    );
    assert.ok(grew < 100 * MiB, `RSS grew by ${(grew / MiB).toFixed(1)} MiB`);
    assert.ok(furthest < 256 * MiB, `the server wrote ${(furthest / MiB).toFixed(1)} MiB before the close`);
  });

  it("eso render against the same server fails with the cap error and bounded memory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eso-oversized-"));
    try {
      const toYaml = (o: unknown) => JSON.stringify(o); // JSON is YAML
      const storeFile = join(dir, "store.yaml");
      const esFile = join(dir, "es.yaml");
      writeFileSync(storeFile, toYaml(webhookStore("demo", `${backend.url}/?key={{ .remoteRef.key }}`)));
      writeFileSync(esFile, toYaml(es("demo")));
      const before = backend.closedEarlyAfter.length;
      const r = await runEso(["render", "-f", esFile, "-f", storeFile]);
      console.log(`# eso render: peak RSS ${(r.peakRss / MiB).toFixed(1)} MiB, exit ${r.code}`);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, CAP_ERROR);
      assert.doesNotMatch(r.stderr, /xxxx/);
      // A CLI process starts at well under 200 MiB; reading the 1 GiB body would take it to gigabytes.
      assert.ok(r.peakRss < 400 * MiB, `eso render peaked at ${(r.peakRss / MiB).toFixed(1)} MiB`);
      assert.ok(backend.closedEarlyAfter.length > before, "the server saw eso render close the connection");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs the eso CLI (compiled when built, else from source through tsx) and tracks its peak RSS. */
function runEso(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakRss: number }> {
  const compiled = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
  const entry = existsSync(compiled)
    ? [compiled]
    : ["--import", "tsx", fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: repoRoot(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peakRss = 0;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const status = `/proc/${child.pid}/status`;
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, "utf8"));
        if (hwm) peakRss = Math.max(peakRss, Number(hwm[1]) * 1024);
      } catch {
        // exited between polls
      }
    }, 10);
    const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, stdout, stderr, peakRss });
    });
  });
}
