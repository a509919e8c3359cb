/**
 * The generators that call out (VaultDynamicSecret, ECRAuthorizationToken, Webhook) against their loopback
 * fakes, and ClusterGenerator resolution.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { registerBuiltinGenerators } from "../../src/generators/builtin.js";
import { ECR_ENDPOINT_ENV, ECR_PUBLIC_ENDPOINT_ENV } from "../../src/generators/ecr/index.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { getGenerator, resolveGenerator } from "../../src/generators/registry.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { FakeVault } from "../fakes/vault-server.js";
import { startWebhookFake, type WebhookFake } from "../fakes/webhook-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

registerBuiltinGenerators();

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "vault-token", { token: "root-token" })
  .setSecret("team-a", "aws-creds", { id: "AKIDTEAMA", secret: "team-a-secret" })
  .setSecret("team-a", "api", { key: "s3cr3t-api-key" });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const text = (b: Buffer | undefined) => (b ?? Buffer.alloc(0)).toString();

let vault: FakeVault;
let aws: FakeAws;
let webhook: WebhookFake;

before(async () => {
  vault = await new FakeVault().start();
  vault.addToken("root-token").mountDatabase("database", { readonly: { ttl: 300 } });
  aws = await new FakeAws("eu-central-1").start();
  aws.addAccessKey("AKIDTEAMA", "team-a-secret");
  process.env[ECR_ENDPOINT_ENV] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  webhook = await startWebhookFake();
});

after(async () => {
  delete process.env[ECR_ENDPOINT_ENV];
  delete process.env[ECR_PUBLIC_ENDPOINT_ENV];
  delete process.env[ENDPOINT_ENV.sts];
  await vault.stop();
  await aws.stop();
  await webhook.close();
});

const vaultSpec = (extra: Record<string, unknown>) => ({
  provider: {
    server: vault.url,
    auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
  },
  ...extra,
});

describe("VaultDynamicSecret generator", () => {
  const gen = () => getGenerator("VaultDynamicSecret")!;

  test("reads dynamic database credentials; each call is a new lease, recorded as state", async () => {
    const a = await gen().generate(vaultSpec({ path: "database/creds/readonly" }), ctx);
    const b = await gen().generate(vaultSpec({ path: "/database/creds/readonly" }), ctx);
    assert.match(text(a.data.username), /^v-readonly-/);
    assert.ok(text(a.data.password).length > 10);
    assert.notEqual(text(a.data.password), text(b.data.password));
    const leaseID = String(a.state?.leaseID);
    assert.ok(vault.leases.has(leaseID), "state names the issued lease");
    assert.equal(vault.requests.at(-1)?.headers["x-vault-token"], "root-token");
  });

  test("cleanup revokes the lease, and is idempotent", async () => {
    const out = await gen().generate(vaultSpec({ path: "database/creds/readonly" }), ctx);
    const spec = vaultSpec({ path: "database/creds/readonly" });
    await gen().cleanup!(spec, out.state!, ctx);
    assert.ok(vault.revokedLeases.includes(String(out.state!.leaseID)));
    assert.equal(vault.leases.has(String(out.state!.leaseID)), false);
    await gen().cleanup!(spec, out.state!, ctx);
  });

  test("POST with parameters and resultType Auth returns the token fields; cleanup revokes the token", async () => {
    const spec = vaultSpec({
      path: "auth/token/create",
      method: "POST",
      parameters: { policies: ["read-db"], ttl: "600" },
      resultType: "Auth",
    });
    const out = await gen().generate(spec, ctx);
    const token = text(out.data.client_token);
    assert.match(token, /^hvs\./);
    assert.equal(text(out.data.policies), '["read-db"]');
    assert.equal(text(out.data.lease_duration), "600");
    assert.deepEqual(vault.requests.at(-1)?.body, { policies: ["read-db"], ttl: "600" });
    await gen().cleanup!(spec, out.state!, ctx);
    vault.addToken("probe");
    // The revoked token no longer works.
    const res = await fetch(`${vault.url}/v1/auth/token/lookup-self`, { headers: { "X-Vault-Token": token } });
    assert.equal(res.status, 403);
  });

  test("resultType Raw returns the whole response", async () => {
    const out = await gen().generate(vaultSpec({ path: "database/creds/readonly", resultType: "Raw" }), ctx);
    assert.equal(text(out.data.lease_duration), "300");
    assert.match(text(out.data.data), /"username":"v-readonly-/);
    assert.ok(text(out.data.lease_id).startsWith("database/creds/readonly/"));
  });

  test("an empty response is an error unless allowEmptyResponse", async () => {
    await assert.rejects(
      gen().generate(vaultSpec({ path: "database/creds/missing" }), ctx),
      /empty response from Vault/,
    );
    const out = await gen().generate(vaultSpec({ path: "database/creds/missing", allowEmptyResponse: true }), ctx);
    assert.deepEqual(out.data, {});
  });

  test("retrySettings bound the retries on server errors", async () => {
    const before = vault.count("database/creds/readonly");
    vault.fault("database/creds/readonly", { status: 503 }, 10);
    await assert.rejects(
      gen().generate(
        vaultSpec({ path: "database/creds/readonly", retrySettings: { maxRetries: 1, retryInterval: "10ms" } }),
        ctx,
      ),
      /HTTP 503/,
    );
    assert.equal(vault.count("database/creds/readonly") - before, 2, "first try plus one retry");
    vault.clearFaults();
  });

  test("bad input names the field and never the token", async () => {
    await assert.rejects(gen().generate({ path: "x" } as never, ctx), /spec\.provider/);
    await assert.rejects(
      gen().generate(vaultSpec({ path: "database/creds/readonly", resultType: "Everything" }), ctx),
      /spec\.resultType/,
    );
    await assert.rejects(
      gen().generate(
        {
          path: "database/creds/readonly",
          provider: { server: vault.url, auth: { tokenSecretRef: { name: "nope", key: "token" } } },
        },
        ctx,
      ),
      (err: Error) => /tokenSecretRef/.test(err.message) && !err.message.includes("root-token"),
    );
  });
});

describe("ECRAuthorizationToken generator", () => {
  const gen = () => getGenerator("ECRAuthorizationToken")!;
  const auth = {
    secretRef: {
      accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
      secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
    },
  };

  test("private registry: username, password, proxy endpoint and expiry from a signed call", async () => {
    const out = await gen().generate({ region: "eu-central-1", auth }, ctx);
    assert.equal(text(out.data.username), "AWS");
    assert.equal(text(out.data.password), aws.ecrPasswords.at(-1));
    assert.equal(text(out.data.proxy_endpoint), "https://123456789012.dkr.ecr.eu-central-1.amazonaws.com");
    const expires = Number(text(out.data.expires_at));
    assert.ok(expires > Date.now() / 1000 + 3600);
    const call = aws.requests.at(-1)!;
    assert.equal(call.service, "ecr");
    assert.equal(call.accessKeyId, "AKIDTEAMA");
    assert.equal(out.state, undefined, "registry tokens expire on their own: no state");
  });

  test("role is assumed with the base credentials before the call", async () => {
    const sessions = aws.sessions.length;
    await gen().generate({ region: "eu-central-1", auth, role: "arn:aws:iam::123456789012:role/ecr-pull" }, ctx);
    assert.equal(aws.sessions.length, sessions + 1);
    assert.equal(aws.sessions.at(-1)!.roleArn, "arn:aws:iam::123456789012:role/ecr-pull");
    assert.notEqual(aws.requests.at(-1)!.accessKeyId, "AKIDTEAMA", "the ECR call uses the assumed role");
  });

  test("public registry goes to ECR Public in us-east-1", async () => {
    const pub = await new FakeAws("us-east-1").start();
    pub.addAccessKey("AKIDTEAMA", "team-a-secret");
    process.env[ECR_PUBLIC_ENDPOINT_ENV] = pub.url;
    try {
      const out = await gen().generate({ region: "eu-central-1", auth, scope: "public" }, ctx);
      assert.equal(text(out.data.username), "AWS");
      assert.equal(text(out.data.password), pub.ecrPasswords.at(-1));
      assert.equal(out.data.proxy_endpoint, undefined);
      assert.equal(pub.requests.at(-1)!.service, "ecr-public");
    } finally {
      await pub.stop();
    }
  });

  test("rejected credentials and missing fields are clear errors", async () => {
    await assert.rejects(gen().generate({ auth } as never, ctx), /spec\.region/);
    const bad = new MemoryKubeAccess().setSecret("team-a", "aws-creds", { id: "AKIDWRONG", secret: "x" });
    await assert.rejects(
      gen().generate({ region: "eu-central-1", auth }, { kube: bad, namespace: "team-a" }),
      /ecr:GetAuthorizationToken/,
    );
  });
});

describe("Webhook generator", () => {
  test("calls the templated endpoint with a secret and returns the JSON object's keys", async () => {
    webhook.routes.set("/issue", (req) => ({
      json: {
        token: req.headers.authorization === "Bearer s3cr3t-api-key" ? "issued-1" : "denied",
        ttl: 60,
      },
    }));
    const out = await getGenerator("Webhook")!.generate(
      {
        url: `${webhook.url}/issue`,
        method: "POST",
        body: '{"scope":"read"}',
        headers: { Authorization: "Bearer {{ .auth.key }}", "Content-Type": "application/json" },
        result: { jsonPath: "$" },
        secrets: [{ name: "auth", secretRef: { name: "api", key: "key" } }],
      },
      ctx,
    );
    assert.equal(text(out.data.token), "issued-1");
    assert.equal(text(out.data.ttl), "60");
    assert.equal(webhook.requests.at(-1)!.body, '{"scope":"read"}');
  });

  test("errors name the field, and a non-object result is rejected", async () => {
    await assert.rejects(getGenerator("Webhook")!.generate({} as never, ctx), /spec\.url/);
    webhook.routes.set("/plain", { text: "just text" });
    await assert.rejects(getGenerator("Webhook")!.generate({ url: `${webhook.url}/plain` }, ctx));
  });
});

describe("ClusterGenerator resolution", () => {
  test("resolves the wrapped kind and spec", () => {
    const { generator, spec } = resolveGenerator({
      kind: "ClusterGenerator",
      spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { path: "a/b" } } },
    });
    assert.equal(generator.kind, "VaultDynamicSecret");
    assert.deepEqual(spec, { path: "a/b" });
  });

  test("a spec for a different kind, or two specs, is an error naming the field", () => {
    assert.throws(
      () => resolveGenerator({ kind: "ClusterGenerator", spec: { kind: "Password", generator: { uuidSpec: {} } } }),
      /spec\.generator: kind Password takes only passwordSpec, found uuidSpec/,
    );
    assert.throws(
      () => resolveGenerator({ kind: "ClusterGenerator", spec: { kind: "Password", generator: {} } }),
      /spec\.generator\.passwordSpec: is required/,
    );
    assert.throws(
      () => resolveGenerator({ kind: "ClusterGenerator", spec: { kind: "Nope", generator: {} } }),
      /spec\.kind: generator kind "Nope" is not supported/,
    );
  });

  test("every generator kind is registered", () => {
    for (const kind of [
      "Password",
      "UUID",
      "Fake",
      "SSHKey",
      "VaultDynamicSecret",
      "ECRAuthorizationToken",
      "Webhook",
    ]) {
      assert.ok(getGenerator(kind), kind);
    }
  });
});
