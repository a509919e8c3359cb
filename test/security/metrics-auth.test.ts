/**
 * Attack: anyone who can reach the controller's metrics port (any pod, without NetworkPolicies) reads its
 * metrics, which name every controller, queue and API host it talks to. With --metrics-secure the endpoint is
 * HTTPS and answers only bearer tokens the API server authenticates (TokenReview) and authorizes for
 * `get /metrics` (SubjectAccessReview), as controller-runtime's WithAuthenticationAndAuthorization filter.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { after, before, describe, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { parseFlags } from "../../src/cli/controller.js";
import { Manager } from "../../src/runtime/manager.js";

let api: ApiServer;
let core: k8s.CoreV1Api;

async function saToken(name: string): Promise<string> {
  await core.createNamespacedServiceAccount({ namespace: "monitoring", body: { metadata: { name } } });
  const tr = await core.createNamespacedServiceAccountToken({ namespace: "monitoring", name, body: { spec: {} } });
  return tr.status!.token!;
}

function scrape(
  addr: string,
  opts: { token?: string; path?: string; method?: string; plain?: boolean } = {},
): Promise<{ status: number; body: string }> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), addr.slice(addr.lastIndexOf(":") + 1)];
  const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const request = opts.plain ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    request(
      { host, port, path: opts.path ?? "/metrics", method: opts.method ?? "GET", headers, rejectUnauthorized: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    )
      .on("error", reject)
      .end();
  });
}

before(async () => {
  api = await startApiServer();
  const kc = api.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "monitoring" } } });
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: "eso-metrics-reader" },
      rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }],
    },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: "prometheus-eso-metrics" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "eso-metrics-reader" },
      subjects: [{ kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" }],
    },
  });
});

after(async () => {
  await api.stop();
});

describe("--metrics-secure", () => {
  let manager: Manager;
  let prometheus: string;
  let intruder: string;

  before(async () => {
    prometheus = await saToken("prometheus");
    intruder = await saToken("intruder");
    const f = parseFlags(["--metrics-secure"]);
    manager = new Manager({
      kubeConfig: api.kubeConfig(),
      healthAddr: "127.0.0.1:0",
      metricsAddr: "127.0.0.1:0",
      metricsTls: f["metrics-secure"] ? { certDir: String(f["metrics-cert-dir"]) || undefined } : undefined,
      metricsAuth: Boolean(f["metrics-secure"]),
    });
    await manager.start();
  });

  after(async () => {
    await manager.stop();
  });

  test("a scrape without a token is refused with 401", async () => {
    const r = await scrape(manager.metricsAddress!);
    assert.equal(r.status, 401);
    assert.doesNotMatch(r.body, /controller_runtime|process_|nodejs_/);
  });

  test("a token the API server does not recognise is refused with 401", async () => {
    for (const token of ["not-a-jwt", `${prometheus.slice(0, -4)}AAAA`]) {
      const r = await scrape(manager.metricsAddress!, { token });
      assert.equal(r.status, 401);
      assert.doesNotMatch(r.body, /controller_runtime|process_|nodejs_/);
    }
  });

  test("a valid ServiceAccount token without `get /metrics` is refused with 403", async () => {
    const r = await scrape(manager.metricsAddress!, { token: intruder });
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.body, /controller_runtime|process_|nodejs_/);
  });

  test("a token bound to `get /metrics` is served, over HTTPS only", async () => {
    const r = await scrape(manager.metricsAddress!, { token: prometheus });
    assert.equal(r.status, 200);
    assert.match(r.body, /# HELP controller_runtime_reconcile_total/);
    await assert.rejects(scrape(manager.metricsAddress!, { token: prometheus, plain: true }), "plain HTTP is refused");
  });

  test("health probes stay plain HTTP and unauthenticated for the kubelet", async () => {
    const r = await scrape(manager.healthAddress!, { path: "/healthz", plain: true });
    assert.equal(r.status, 200);
  });
});

describe("--metrics-auth without TLS", () => {
  test("plain HTTP metrics still ask the API server about every new token", async () => {
    const manager = new Manager({
      kubeConfig: api.kubeConfig(),
      healthAddr: "127.0.0.1:0",
      metricsAddr: "127.0.0.1:0",
      metricsAuth: Boolean(parseFlags(["--metrics-auth"])["metrics-auth"]),
    });
    await manager.start();
    try {
      const token = await saToken("scraper-denied");
      assert.equal((await scrape(manager.metricsAddress!, { plain: true })).status, 401);
      assert.equal((await scrape(manager.metricsAddress!, { token, plain: true })).status, 403);
    } finally {
      await manager.stop();
    }
  });
});

test("secure metrics cannot share the health address", async () => {
  const manager = new Manager({
    kubeConfig: api.kubeConfig(),
    healthAddr: "127.0.0.1:18089",
    metricsAddr: "127.0.0.1:18089",
    metricsTls: {},
    metricsAuth: true,
  });
  await assert.rejects(manager.start(), /address of their own/);
  await manager.stop();
});
