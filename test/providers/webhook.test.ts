import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { webhookProvider } from "../../src/providers/webhook/index.js";
import { evaluateJsonPath } from "../../src/providers/webhook/jsonpath.js";
import { startWebhookFake, type WebhookFake } from "../fakes/webhook-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("webhook provider", () => {
  let fake: WebhookFake;
  let tlsFake: WebhookFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startWebhookFake();
    tlsFake = await startWebhookFake({ tls: true });
  });
  after(async () => {
    await fake.close();
    await tlsFake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.routes.clear();
    fake.routes.set("/secrets", (req) => {
      const key = new URL(req.url, "http://x").searchParams.get("key");
      if (req.headers.authorization !== `Basic ${Buffer.from("user:pass").toString("base64")}`)
        return { status: 401, text: "no" };
      if (key === "db creds/x")
        return { json: { data: { password: "p@ss", config: { port: 5432 } }, items: [{ n: "a" }, { n: "b" }] } };
      return { status: 404, text: "unknown" };
    });
    fake.routes.set("/echo", (req) => ({
      json: { method: req.method, body: req.body, ct: req.headers["content-type"] },
    }));
    fake.routes.set("/slow", { delayMs: 1000, text: "late" });
    kube = new MemoryKubeAccess().setSecret("ns", "webhook-credentials", { username: "user", password: "pass" });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "wh", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) => ({
    url: `${fake.url}/secrets?key={{ .remoteRef.key }}`,
    result: { jsonPath: "$.data.password" },
    headers: {
      "Content-Type": "application/json",
      Authorization: 'Basic {{ print .auth.username ":" .auth.password | b64enc }}',
    },
    secrets: [{ name: "auth", secretRef: { name: "webhook-credentials" } }],
    ...extra,
  });

  test("url template (query-escaped), header templates with secrets, result.jsonPath", async () => {
    const c = await webhookProvider.newClient(spec() as any, ctx);
    assert.equal((await c.getSecret({ key: "db creds/x" })).toString(), "p@ss");
    assert.equal(fake.requests[0]!.url, "/secrets?key=db+creds%2Fx");
    const all = await webhookProvider.newClient(spec({ result: { jsonPath: "$.data" } }) as any, ctx);
    assert.deepEqual(str(await all.getSecretMap({ key: "db creds/x" })), { password: "p@ss", config: '{"port":5432}' });
    const list = await webhookProvider.newClient(spec({ result: { jsonPath: "$.items[*].n" } }) as any, ctx);
    assert.equal((await list.getSecret({ key: "db creds/x" })).toString(), '["a","b"]');
    assert.deepEqual(await c.validate(), { ready: true });
  });

  test("method and body template", async () => {
    const c = await webhookProvider.newClient(
      {
        url: `${fake.url}/echo`,
        method: "POST",
        body: '{"name":"{{ .remoteRef.key }}","v":"{{ .remoteRef.version }}"}',
        headers: { "Content-Type": "application/json" },
      } as any,
      ctx,
    );
    const out = JSON.parse((await c.getSecret({ key: "a b", version: "2" })).toString());
    assert.deepEqual(out, { method: "POST", body: '{"name":"a b","v":"2"}', ct: "application/json" });
  });

  test("caBundle trusts a private CA; without it TLS fails", async () => {
    tlsFake.routes.set("/v", { json: { value: "tls-ok" } });
    const base = { url: `${tlsFake.url}/v`, result: { jsonPath: "$.value" } };
    const c = await webhookProvider.newClient(
      { ...base, caBundle: Buffer.from(tlsFake.caPem!).toString("base64") } as any,
      ctx,
    );
    assert.equal((await c.getSecret({ key: "k" })).toString(), "tls-ok");
    kube.setConfigMap("ns", "ca", { "ca.crt": tlsFake.caPem! });
    const viaProvider = await webhookProvider.newClient(
      { ...base, caProvider: { type: "ConfigMap", name: "ca", key: "ca.crt" } } as any,
      ctx,
    );
    assert.equal((await viaProvider.getSecret({ key: "k" })).toString(), "tls-ok");
    const untrusted = await webhookProvider.newClient(base as any, ctx);
    await assert.rejects(untrusted.getSecret({ key: "k" }), /request failed/);
  });

  test("timeout", async () => {
    const c = await webhookProvider.newClient({ url: `${fake.url}/slow`, timeout: "100ms" } as any, ctx);
    await assert.rejects(c.getSecret({ key: "k" }), /timed out after 100ms/);
  });

  test("404 and unmatched jsonPath are not-found; auth, throttling and server errors", async () => {
    const c = await webhookProvider.newClient(spec() as any, ctx);
    await assert.rejects(
      c.getSecret({ key: "missing" }),
      (e: Error) => e instanceof NoSecretError && e.message.includes('"missing"'),
    );
    const nopath = await webhookProvider.newClient(spec({ result: { jsonPath: "$.data.nope" } }) as any, ctx);
    await assert.rejects(nopath.getSecret({ key: "db creds/x" }), NoSecretError);
    kube.setSecret("ns", "webhook-credentials", { username: "user", password: "wrong" });
    const bad = await webhookProvider.newClient(spec() as any, ctx);
    await assert.rejects(
      bad.getSecret({ key: "db creds/x" }),
      (e: Error) => e instanceof ProviderAuthError && !e.message.includes("wrong"),
    );
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db creds/x" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "db creds/x" }), (e: Error) => /HTTP 500/.test(e.message));
    await assert.rejects(c.getAllSecrets({ name: { regexp: "." } }), NotSupportedError);
  });

  test("template errors and missing secrets are config errors naming the field", async () => {
    const c = await webhookProvider.newClient({ url: `${fake.url}/x?{{ .nope.key }}` } as any, ctx);
    await assert.rejects(
      c.getSecret({ key: "k" }),
      (e: Error) => e instanceof StoreConfigError && e.message.includes("url"),
    );
    await assert.rejects(
      webhookProvider.newClient(spec({ secrets: [{ name: "auth", secretRef: { name: "absent" } }] }) as any, ctx),
      StoreConfigError,
    );
    // Engine errors that quote a credential (fail, mustToDate) never carry it; a short one withholds the detail.
    kube.setSecret("ns", "short-credentials", { pin: "42" });
    for (const [body, secret, hidden] of [
      ["{{ fail .auth.password }}", "webhook-credentials", "pass"],
      ['{{ .auth.username | mustToDate "2006" }}', "webhook-credentials", "user"],
      ["{{ fail .auth.pin }}", "short-credentials", "42"],
    ] as const) {
      const failing = await webhookProvider.newClient(
        spec({ body, method: "POST", headers: {}, secrets: [{ name: "auth", secretRef: { name: secret } }] }) as any,
        ctx,
      );
      await assert.rejects(failing.getSecret({ key: "k" }), (e: Error) => {
        assert.ok(e instanceof StoreConfigError && e.message.includes("body: template error"), e.message);
        assert.ok(!e.message.includes(hidden), `${JSON.stringify(hidden)} in ${e.message}`);
        return true;
      });
    }
    assert.ok(
      webhookProvider
        .validate({ url: "x", timeout: "soon" } as any, "SecretStore")
        .errors.some((e) => e.includes("timeout")),
    );
  });

  test("jsonPath evaluator", () => {
    const doc = {
      a: { "b.c": [1, { d: "x" }] },
      list: [
        { k: "1", v: "one" },
        { k: "2", v: "two" },
      ],
    };
    assert.equal(evaluateJsonPath(doc, "$.a['b.c'][1].d"), "x");
    assert.equal(evaluateJsonPath(doc, "$.a['b.c'][-1].d"), "x");
    assert.deepEqual(evaluateJsonPath(doc, "$.list[?(@.k == '2')].v"), ["two"]);
    assert.deepEqual(evaluateJsonPath(doc, "$..d"), ["x"]);
    assert.throws(() => evaluateJsonPath(doc, "$.missing"), /matched nothing/);
  });
});
