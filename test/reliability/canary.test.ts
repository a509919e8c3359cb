/**
 * Secret-leak canaries: marked values flow through a full sync run — successful syncs, templates, and every
 * way a sync can fail on the data itself (missing property in a JSON document, bad base64, failing template
 * functions, a provider erroring with the value in its body, JSON paths that do not match). The run fails if
 * any marked value shows up in the logs (debug level), Events, any status, the metrics output or an error.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { redactTemplateError } from "../../src/controllers/common/secret-template.js";
import { EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { FakeVault } from "../fakes/vault-server.js";
import { startWebhookFake, type WebhookFake } from "../fakes/webhook-server.js";
import { eventually } from "../support/poll.js";
import { type Cluster, createNamespace, decoded, externalSecret, fakeStore, startCluster } from "../support/world.js";
import { canary, eventText, LogCapture, leaks, readyOf, runControllers } from "./support.js";

const NS = "canary";
const v = {
  plain: canary("plain"),
  inJson: canary("json"),
  notB64: `${canary("b64")}!*`,
  regex: `${canary("regex")}(`,
  vault: canary("vault"),
  vaultOther: canary("vault-other"),
  hookBody: canary("webhook-error-body"),
  hookDoc: canary("webhook-doc"),
};
const values = Object.values(v);
let c: Cluster;
let ctl: Awaited<ReturnType<typeof runControllers>>;
let vault: FakeVault;
let hook: WebhookFake;
const logs = new LogCapture();

before(async () => {
  c = await startCluster();
  vault = await new FakeVault().start();
  vault.addToken("t").mountKv("secret", 2).putSecret("secret", "db", { password: v.vault, other: v.vaultOther });
  hook = await startWebhookFake();
  hook.routes.set("/error", { status: 500, text: `internal error while reading ${v.hookBody}` });
  hook.routes.set("/doc", { json: { data: { password: v.hookDoc } } });
  await createNamespace(c, NS);
  await c.client.create(SECRETS, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "vault-token", namespace: NS },
    stringData: { token: "t" },
  });
  await c.client.create(
    SECRET_STORES,
    fakeStore("fake", NS, [
      { key: "/plain", value: v.plain },
      { key: "/json", value: JSON.stringify({ user: "app", password: v.inJson }) },
      { key: "/notb64", value: v.notB64 },
      { key: "/regex", value: v.regex },
    ]),
  );
  const store = (name: string, provider: Record<string, unknown>) =>
    c.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name, namespace: NS },
      spec: { provider },
    });
  await store("vault", {
    vault: {
      server: vault.url,
      path: "secret",
      version: "v2",
      auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
    },
  });
  await store("hook-error", {
    webhook: { url: `${hook.url}/error?k={{ .remoteRef.key }}`, result: { jsonPath: "$" } },
  });
  await store("hook-doc", {
    webhook: { url: `${hook.url}/doc?k={{ .remoteRef.key }}`, result: { jsonPath: "$.data.nope" } },
  });
  ctl = await runControllers(c, { logger: logs.logger, concurrency: 2 });
});

after(async () => {
  await ctl.stop();
  await vault.stop();
  await hook.close();
  await c.stop();
});

const ref = (name: string) => ({ name, kind: "SecretStore" });
const tmpl = (name: string, text: string, key = "/plain", store = "fake") =>
  externalSecret(name, NS, {
    secretStoreRef: ref(store),
    target: { template: { data: { out: text } } },
    data: [{ secretKey: "pw", remoteRef: { key } }],
  });

/** ExternalSecrets that must fail, each on the secret data itself. */
const failing = [
  externalSecret("missing-property", NS, {
    secretStoreRef: ref("fake"),
    data: [{ secretKey: "x", remoteRef: { key: "/json", property: "nope" } }],
  }),
  externalSecret("bad-base64", NS, {
    secretStoreRef: ref("fake"),
    data: [{ secretKey: "x", remoteRef: { key: "/notb64", decodingStrategy: "Base64" } }],
  }),
  externalSecret("extract-not-json", NS, { secretStoreRef: ref("fake"), dataFrom: [{ extract: { key: "/plain" } }] }),
  tmpl("tpl-fromjson", "{{ .pw | mustFromJson }}"),
  tmpl("tpl-field", "{{ .pw.field.deeper }}"),
  tmpl("tpl-index", "{{ index .pw 500 }}"),
  tmpl("tpl-date", '{{ .pw | mustToDate "2006-01-02" }}'),
  tmpl("tpl-div", "{{ div (len .pw) 0 }}"),

  tmpl("tpl-regex", '{{ regexFind .pw "x" }}', "/regex"),
  tmpl("tpl-parse", "{{ .pw "),
  externalSecret("vault-missing-property", NS, {
    secretStoreRef: ref("vault"),
    data: [{ secretKey: "x", remoteRef: { key: "db", property: "nope" } }],
  }),
  externalSecret("hook-error-body", NS, {
    secretStoreRef: ref("hook-error"),
    data: [{ secretKey: "x", remoteRef: { key: "k" } }],
  }),
  externalSecret("hook-path-mismatch", NS, {
    secretStoreRef: ref("hook-doc"),
    data: [{ secretKey: "x", remoteRef: { key: "k" } }],
  }),
];

describe("secret-leak canaries", () => {
  it("marked values reach the Secrets and nowhere else, even when syncs fail", async () => {
    const good = [
      tmpl("ok-template", "user={{ .pw | upper }};raw={{ .pw }}"),
      externalSecret("ok-json", NS, { secretStoreRef: ref("fake"), dataFrom: [{ extract: { key: "/json" } }] }),
      externalSecret("ok-vault", NS, { secretStoreRef: ref("vault"), dataFrom: [{ extract: { key: "db" } }] }),
    ];
    for (const es of [...good, ...failing]) await c.client.create(EXTERNAL_SECRETS, es);

    await eventually(
      async () => (await c.client.get(SECRETS, NS, "ok-template")) && (await c.client.get(SECRETS, NS, "ok-vault")),
      { timeoutMs: 20_000, what: "good syncs" },
    );
    assert.equal(
      decoded(await c.client.get(SECRETS, NS, "ok-template")).out,
      `user=${v.plain.toUpperCase()};raw=${v.plain}`,
    );
    assert.deepEqual(decoded(await c.client.get(SECRETS, NS, "ok-vault")), { password: v.vault, other: v.vaultOther });
    const messages: Record<string, string> = {};
    for (const es of failing) {
      const name = es.metadata.name;
      const cond = await eventually(
        async () => {
          const r = readyOf(await c.client.get(EXTERNAL_SECRETS, NS, name));
          return r?.status === "False" ? r : undefined;
        },
        { timeoutMs: 20_000, what: `${name} fails` },
      );
      messages[name] = cond.message ?? "";
      assert.ok(messages[name].length > 0, `${name}: explains itself`);
    }
    // Let retries run a little so repeated failures are logged too.
    await new Promise((r) => setTimeout(r, 1_000));

    const surfaces = {
      logs: logs.text(),
      events: await eventText(c),
      status: JSON.stringify([
        ...(await c.client.list<any>(EXTERNAL_SECRETS, NS)).map((e) => e.status),
        ...(await c.client.list<any>(SECRET_STORES, NS)).map((e) => e.status),
      ]),
      metrics: await ctl.registry.metrics(),
      errors: JSON.stringify(messages),
    };
    for (const [where, text] of Object.entries(surfaces)) {
      assert.deepEqual(leaks(text, values), [], `canary found in ${where}`);
    }
    assert.ok(logs.lines.length > 20, "the run logged (debug level)");
    console.log(
      `# reliability/canary: ${values.length} canaries, ${failing.length} failing syncs; 0 leaks in logs, events, status, metrics, errors`,
    );
  });
});

describe("template error redaction", () => {
  it("cuts values and quoted fragments out of function errors, keeps the rest of the message", () => {
    const data = { pw: "hunter2-secret", short: "ab" };
    const date = redactTemplateError(
      'template: out:1:9: executing "out" at <toDate "2006">: error calling toDate: parsing time "hunter2-secret" as "2006": cannot parse "2-secret" as "2006"',
      data,
    );
    assert.equal(
      date,
      'template: out:1:9: executing "out" at <toDate "2006">: error calling toDate: parsing time [redacted] as [redacted]: cannot parse [redacted] as [redacted]',
    );
    const field = redactTemplateError(
      'template: out:1:6: executing "out" at <.pw.x>: can\'t evaluate field x in type string',
      data,
    );
    assert.match(field, /can't evaluate field x in type string/);
    assert.equal(redactTemplateError("value hunter2-secret leaked", data), "value [redacted] leaked");
  });
});
