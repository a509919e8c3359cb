/**
 * Attacks on the local tools (`eso apiserver`, `eso dev`): a web page reaching the loopback API server through
 * DNS rebinding, and another local user reading the Secrets kept in --data-dir.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { startApiServer } from "../../src/apiserver/index.js";
import { esoAsync } from "../cli/cli-runner.js";

const work = mkdtempSync(join(tmpdir(), "eso-local-tools-"));
after(() => rmSync(work, { recursive: true, force: true }));

const secretValue = "rebinding-canary-7f3a";

/** A GET to the server's loopback address, claiming to be for `host` (what a browser sends after rebinding). */
function getWithHost(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  const hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, headers: { host, authorization: "Bearer eso-apiserver-admin" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("DNS rebinding against the local API server", () => {
  test("a page on another domain rebound to 127.0.0.1 cannot read Secrets; loopback names still can", async () => {
    const api = await startApiServer();
    try {
      const core = api.kubeConfig().makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedSecret({
        namespace: "default",
        body: { metadata: { name: "db" }, stringData: { password: secretValue } },
      });
      const port = new URL(api.url).port;
      const path = "/api/v1/namespaces/default/secrets";
      const b64 = Buffer.from(secretValue).toString("base64");

      for (const host of [
        `evil.example:${port}`,
        "attacker.test",
        `attacker.test:${port}`,
        `127.0.0.1.nip.io:${port}`,
      ]) {
        for (const p of [path, `${path}/db`, "/api", "/version"]) {
          const r = await getWithHost(api.url, p, host);
          assert.equal(r.status, 403, `${host} ${p}`);
          const status = JSON.parse(r.body);
          assert.equal(status.kind, "Status");
          assert.equal(status.reason, "Forbidden");
          assert.ok(!r.body.includes(b64) && !r.body.includes(secretValue), "no Secret data in the refusal");
          assert.ok(!r.body.includes('"db"'), "no object names in the refusal");
        }
      }

      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "localhost", `LOCALHOST:${port}`]) {
        const r = await getWithHost(api.url, `${path}/db`, host);
        assert.equal(r.status, 200, host);
        assert.equal(JSON.parse(r.body).data.password, b64);
      }
    } finally {
      await api.stop();
    }
  });

  test("the API server bound to [::1] answers [::1] and refuses foreign names", async () => {
    const api = await startApiServer({ host: "::1" });
    try {
      const port = new URL(api.url).port;
      assert.equal((await getWithHost(api.url, "/version", `[::1]:${port}`)).status, 200);
      assert.equal((await getWithHost(api.url, "/version", `evil.example:${port}`)).status, 403);
    } finally {
      await api.stop();
    }
  });
});

describe("--data-dir files are readable by their owner only", () => {
  test("the API server creates the directory 0700 and writes state.json 0600, also when rewriting it", async () => {
    const dir = join(work, "apiserver-state");
    let api = await startApiServer({ dataDir: dir });
    const core = () => api.kubeConfig().makeApiClient(k8s.CoreV1Api);
    await core().createNamespacedSecret({
      namespace: "default",
      body: { metadata: { name: "db" }, stringData: { password: secretValue } },
    });
    await api.stop();
    assert.equal(mode(dir), 0o700, "directory");
    assert.equal(mode(join(dir, "state.json")), 0o600, "state.json");
    assert.equal(mode(join(dir, "sa-signing-key.pem")), 0o600, "signing key");

    // A state file left world-readable (by an older version, or a careless copy) is narrowed and rewritten 0600.
    chmodSync(join(dir, "state.json"), 0o644);
    api = await startApiServer({ dataDir: dir });
    assert.equal(mode(join(dir, "state.json")), 0o600, "narrowed on load");
    chmodSync(join(dir, "state.json"), 0o644);
    await core().replaceNamespacedSecret({
      namespace: "default",
      name: "db",
      body: { metadata: { name: "db" }, stringData: { password: `${secretValue}-2` } },
    });
    await api.stop();
    assert.equal(mode(join(dir, "state.json")), 0o600, "state.json after an update");
  });

  test("eso dev --data-dir keeps the sandbox's Secrets owner-only", async () => {
    const dir = join(work, "sandbox");
    const r = await esoAsync("dev", "--once", "--port", "0", "--data-dir", dir, "-o", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mode(dir), 0o700, "directory");
    for (const f of ["state.json", "sa-signing-key.pem", "kubeconfig"]) assert.equal(mode(join(dir, f)), 0o600, f);
    const again = await esoAsync("dev", "--once", "--port", "0", "--data-dir", dir, "-o", "json");
    assert.equal(again.code, 0, again.stderr);
    assert.equal(mode(join(dir, "state.json")), 0o600, "state.json after a second run");
  });
});
