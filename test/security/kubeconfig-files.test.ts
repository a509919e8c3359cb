/**
 * Attack: a namespace admin's kubeconfig names files on the operator's host (`token-file` / `tokenFile`,
 * `client-certificate` + `client-key`, `certificate-authority`) and a server the attacker runs, hoping the
 * operator reads them and sends them along (its own ServiceAccount token as a Bearer, its own client
 * certificate). The files' content must never reach the attacker's listener, and the store must name the
 * refused field. A `proxy-url` is refused unless the operator runs with --allow-kubeconfig-proxy.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { stringify as toYaml } from "yaml";
import { selfSignedCert } from "../fakes/azurekv-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  startHarness,
} from "../support/world.js";
import {
  type ConnectProxy,
  type RecordingListener,
  startConnectProxy,
  startRecordingListener,
} from "./recording-listener.js";

const NS = "tenant-files";
const dir = mkdtempSync(join(tmpdir(), "eso-kubeconfig-files-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// What the operator has on disk: its ServiceAccount token and a client certificate (CN is a canary too).
const tokenCanary = `operator-token-${randomUUID()}`;
const certCN = `operator-cert-${randomUUID()}`;
const operatorCert = selfSignedCert(certCN);
const tokenPath = join(dir, "token");
const certPath = join(dir, "tls.crt");
const keyPath = join(dir, "tls.key");
const caPath = join(dir, "ca.crt");
writeFileSync(tokenPath, tokenCanary);
writeFileSync(certPath, operatorCert.certPem);
writeFileSync(keyPath, operatorCert.keyPem);
const attackerTls = selfSignedCert("127.0.0.1");
writeFileSync(caPath, attackerTls.certPem);
const operatorCertDer = operatorCert.derBase64;

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  return toYaml({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster }],
    users: [{ name: "u", user }],
    contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
    "current-context": "x",
  });
}

async function createStore(h: Harness, name: string, config: string): Promise<void> {
  await h.client.create(SECRETS, secretManifest(NS, name, { config }));
  await h.client.create(SECRET_STORES, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: NS },
    spec: { provider: { kubernetes: { remoteNamespace: NS, authRef: { name, key: "config" } } } },
  });
}

async function waitReady(h: Harness, name: string, status: "True" | "False") {
  return eventually(
    async () => {
      const c = await readyCondition(h, SECRET_STORES, NS, name);
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 20_000, what: `SecretStore ${name} Ready=${status}` },
  );
}

describe("a tenant kubeconfig that names the operator's files", () => {
  let h: Harness;
  // One attacker server per case, so each case's finding is its own.
  let listener: RecordingListener;
  before(async () => {
    h = await startHarness({ storeRequeueMs: 200 });
    await createNamespace(h, NS);
  });
  beforeEach(async () => {
    listener = await startRecordingListener(attackerTls);
  });
  afterEach(async () => {
    await listener?.stop();
  });
  after(async () => {
    await h?.stop();
  });

  const cases: { name: string; field: RegExp; cluster?: Record<string, unknown>; user: Record<string, unknown> }[] = [
    { name: "token-file", field: /users\[0\]\.user\.token-file is not allowed/, user: { "token-file": tokenPath } },
    { name: "tokenfile", field: /users\[0\]\.user\.tokenFile is not allowed/, user: { tokenFile: tokenPath } },
    {
      name: "client-cert",
      field: /users\[0\]\.user\.client-certificate is not allowed/,
      user: { "client-certificate": certPath, "client-key": keyPath },
    },
    {
      name: "client-key",
      field: /users\[0\]\.user\.client-key is not allowed/,
      user: { "client-certificate-data": Buffer.from(operatorCert.certPem).toString("base64"), "client-key": keyPath },
    },
    {
      name: "ca-file",
      field: /clusters\[0\]\.cluster\.certificate-authority is not allowed/,
      cluster: { "certificate-authority": caPath },
      user: { token: "tenant-own-token" },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: the file never reaches the attacker's server; the store names the field`, async () => {
      const cluster = c.cluster ?? { "insecure-skip-tls-verify": true };
      await createStore(h, c.name, kubeconfig({ server: listener.url, ...cluster }, c.user));
      await eventually(() => readyCondition(h, SECRET_STORES, NS, c.name), {
        timeoutMs: 20_000,
        what: `SecretStore ${c.name} validated`,
      });
      await new Promise((r) => setTimeout(r, 1_500)); // more validation cycles
      const seen = listener.seen();
      assert.ok(!seen.includes(tokenCanary), "the operator's token reached the attacker");
      assert.ok(!seen.includes(certCN) && !seen.includes(operatorCertDer), "the operator's certificate was presented");
      assert.equal(listener.requests, 0, "nothing is sent with a refused kubeconfig");
      const cond = (await readyCondition(h, SECRET_STORES, NS, c.name))!;
      assert.equal(cond.status, "False", cond.message);
      assert.match(cond.message ?? "", /spec\.provider\.kubernetes\.authRef: kubeconfig /);
      assert.match(cond.message ?? "", c.field);
    });
  }

  it("an inline kubeconfig still works (the tenant's own token reaches the tenant's server)", async () => {
    const config = kubeconfig(
      { server: listener.url, "certificate-authority-data": Buffer.from(attackerTls.certPem).toString("base64") },
      { token: "tenant-own-token" },
    );
    await createStore(h, "inline", config);
    await waitReady(h, "inline", "True");
    assert.match(listener.seen(), /"authorization":"Bearer tenant-own-token"/);
  });

  it("proxy-url is refused without --allow-kubeconfig-proxy", async () => {
    const config = kubeconfig(
      { server: h.api.url, "proxy-url": "http://127.0.0.1:9", "insecure-skip-tls-verify": true },
      { token: "eso-apiserver-admin" },
    );
    await createStore(h, "proxied", config);
    const cond = await waitReady(h, "proxied", "False");
    assert.match(
      cond.message ?? "",
      /kubeconfig clusters\[0\]\.cluster\.proxy-url is not allowed: the operator runs without --allow-kubeconfig-proxy/,
    );
  });
});

describe("with --allow-kubeconfig-proxy", () => {
  let h: Harness;
  let proxy: ConnectProxy;
  before(async () => {
    h = await startHarness({ storeRequeueMs: 200, tenantPolicy: { allowKubeconfigProxy: true } });
    await createNamespace(h, NS);
    proxy = await startConnectProxy();
  });
  after(async () => {
    await proxy?.stop();
    await h?.stop();
  });

  it("a kubeconfig's proxy-url is honoured: the store reaches its server through the proxy", async () => {
    const config = kubeconfig(
      { server: h.api.url, "proxy-url": proxy.url, "insecure-skip-tls-verify": true },
      { token: "eso-apiserver-admin" },
    );
    await createStore(h, "proxied", config);
    await waitReady(h, "proxied", "True");
    assert.ok(proxy.tunnels.includes(new URL(h.api.url).host), JSON.stringify(proxy.tunnels));
  });
});
