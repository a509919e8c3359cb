/**
 * Attack 6, head-of-line blocking: tenant A points a webhook SecretStore (timeout: 10m) at a server that accepts
 * requests and then never answers, or answers one byte a second (an idle-socket timeout never fires), and
 * creates more ExternalSecrets than the controller has workers. Tenant B, in another namespace, must still get
 * its ExternalSecret synced within 5 s; A's syncs fail with the reconcile deadline, their in-flight requests are
 * closed, and A's Secret synced earlier keeps its data.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretManifest,
  startHarness,
  vaultTokenStoreManifest,
  waitForSecretData,
} from "../support/world.js";

const CONCURRENT = 4;
const A_SECRETS = 6; // more than CONCURRENT
const DEADLINE = /provider call exceeded the reconcile deadline of 2s/;

type Mode = "healthy" | "hang" | "trickle";

/** A webhook backend; tenant A's path misbehaves as `mode` says, B's path always answers. */
class Backend {
  mode: Mode = "healthy";
  /** Requests to A's path whose connection the operator closed before an answer was complete. */
  abandoned = 0;
  /** Requests to A's path being held open right now. */
  holding = 0;
  private server!: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const key = new URL(req.url ?? "/", this.url).searchParams.get("key") ?? "";
    if (req.url?.startsWith("/b") || this.mode === "healthy") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ value: `value-of-${key}` }));
      return;
    }
    this.holding++;
    res.on("close", () => {
      this.holding--;
      if (!res.writableFinished) this.abandoned++;
    });
    if (this.mode === "trickle") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"value": "');
      const t = setInterval(() => res.write("x"), 1_000);
      this.timers.add(t);
      res.on("close", () => {
        clearInterval(t);
        this.timers.delete(t);
      });
    }
    // "hang": accept the request and never answer.
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

function webhookStore(namespace: string, url: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "store", namespace },
    spec: { provider: { webhook: { url, timeout: "10m", result: { jsonPath: "$.value" } } } },
  };
}

function readKey(name: string, namespace: string, key: string, refreshInterval = "1h") {
  return externalSecret(name, namespace, {
    refreshInterval,
    secretStoreRef: { name: "store" },
    data: [{ secretKey: "value", remoteRef: { key } }],
  });
}

for (const mode of ["hang", "trickle"] as const) {
  describe(`a tenant's webhook store that ${mode === "hang" ? "never answers" : "answers one byte a second"}`, () => {
    let h: Harness;
    const backend = new Backend();
    const A = `tenant-a-${mode}`;
    const B = `tenant-b-${mode}`;

    before(async () => {
      await backend.start();
      h = await startHarness({ concurrency: CONCURRENT, reconcileTimeoutMs: 2_000 });
      await createNamespace(h, A);
      await createNamespace(h, B);
      await createReadyStore(h, webhookStore(A, `${backend.url}/a?key={{ .remoteRef.key }}`));
      await createReadyStore(h, webhookStore(B, `${backend.url}/b?key={{ .remoteRef.key }}`));
      // Synced while A's backend was still healthy; re-reads every second once the attack starts.
      await h.client.create(EXTERNAL_SECRETS, readKey("synced-earlier", A, "k0", "1s"));
      assert.deepEqual(await waitForSecretData(h, A, "synced-earlier"), { value: "value-of-k0" });
    });

    after(async () => {
      await h?.stop();
      await backend.stop();
    });

    it("does not hold back another tenant's ExternalSecret, and A's syncs fail with the deadline", async () => {
      backend.mode = mode;
      for (let i = 1; i <= A_SECRETS; i++) await h.client.create(EXTERNAL_SECRETS, readKey(`a-${i}`, A, `k${i}`));
      // Let A's syncs take the workers before B arrives.
      await eventually(async () => backend.holding >= 2, { timeoutMs: 10_000, what: "A's calls in flight" });

      const started = Date.now();
      await h.client.create(EXTERNAL_SECRETS, readKey("b", B, "kb"));
      await eventually(async () => (await readyCondition(h, EXTERNAL_SECRETS, B, "b"))?.status === "True", {
        timeoutMs: 5_000,
        what: "tenant B's ExternalSecret Ready within 5 s",
      });
      const took = Date.now() - started;
      assert.deepEqual(await secretData(h, B, "b"), { value: "value-of-kb" });

      for (let i = 1; i <= A_SECRETS; i++) {
        const c = await eventually(
          async () => {
            const cond = await readyCondition(h, EXTERNAL_SECRETS, A, `a-${i}`);
            return cond?.status === "False" && DEADLINE.test(cond.message ?? "") ? cond : undefined;
          },
          { timeoutMs: 30_000, what: `a-${i} reports the reconcile deadline` },
        );
        assert.match(c.message ?? "", DEADLINE);
      }
      const earlier = await eventually(
        async () => {
          const cond = await readyCondition(h, EXTERNAL_SECRETS, A, "synced-earlier");
          return cond?.status === "False" && DEADLINE.test(cond.message ?? "") ? cond : undefined;
        },
        { timeoutMs: 30_000, what: "synced-earlier reports the reconcile deadline" },
      );
      assert.match(earlier.message ?? "", DEADLINE);
      assert.deepEqual(await secretData(h, A, "synced-earlier"), { value: "value-of-k0" }, "A's Secret kept its data");
      assert.ok(backend.abandoned >= A_SECRETS, `in-flight requests were closed (${backend.abandoned})`);
      console.log(`# ${mode}: tenant B Ready after ${took} ms; ${backend.abandoned} stalled requests closed`);
    });

    it("store validation against the stalled server fails with the deadline instead of holding a worker", async () => {
      backend.mode = mode;
      await h.client.create(SECRETS, secretManifest(A, "vault-token", { token: "t" }));
      await h.client.create(SECRET_STORES, {
        ...vaultTokenStoreManifest(A, backend.url),
        metadata: { name: "vault", namespace: A },
      });
      const c = await eventually(
        async () => {
          const cond = await readyCondition(h, SECRET_STORES, A, "vault");
          return cond?.status === "False" ? cond : undefined;
        },
        { timeoutMs: 20_000, what: "the Vault SecretStore reports the failed validation" },
      );
      assert.match(c.message ?? "", /unable to validate store: provider call exceeded the reconcile deadline of 2s/);
    });
  });
}
