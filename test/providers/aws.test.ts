import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { AWSProvider as AWSProviderSpec } from "../../src/api/providers/aws.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, StoreKind } from "../../src/providers/provider.js";
import { FakeAws } from "../fakes/aws-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const NS = "production";
const provider = newAwsProvider({
  maxAttempts: 2,
  retryBaseMs: 5,
  requestTimeoutMs: 300,
  connectionTimeoutMs: 300,
});

let aws: FakeAws;
/** SDK clients and credentials are kept for the length of one test. */
let caches = new ClientCaches();
let kube: MemoryKubeAccess;

function ctx(kind: StoreKind = "SecretStore", storeName = "aws-sm", namespace = NS): ProviderContext {
  return { kube, caches, storeKind: kind, storeName, namespace };
}

const staticAuth = {
  secretRef: {
    accessKeyIDSecretRef: { name: "aws-credentials", key: "access-key-id" },
    secretAccessKeySecretRef: { name: "aws-credentials", key: "secret-access-key" },
  },
};
const sm = (extra: Partial<AWSProviderSpec> = {}): AWSProviderSpec => ({
  service: "SecretsManager",
  region: "us-east-1",
  auth: staticAuth,
  ...extra,
});
const ps = (extra: Partial<AWSProviderSpec> = {}): AWSProviderSpec => sm({ service: "ParameterStore", ...extra });

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.ssm] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
});
after(async () => {
  await aws.stop();
});

beforeEach(() => {
  caches.clear();
  caches = new ClientCaches();
  aws.addAccessKey("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  kube = new MemoryKubeAccess()
    .setSecret(NS, "aws-credentials", {
      "access-key-id": "AKIAIOSFODNN7EXAMPLE",
      "secret-access-key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    })
    .setServiceAccount(NS, "external-secrets-sa", {
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/eso",
    });
  aws.putSecretString("production/database", JSON.stringify({ username: "app", password: "p@ss", host: "db" }));
  aws.putSecretString("production/api-keys", JSON.stringify({ "stripe-key": "sk_test", "api-key": "k1" }));
  aws.putSecretString("production/redis", JSON.stringify({ "connection-string": "redis://r" }));
  aws.putSecretString("production/rds-postgres", JSON.stringify({ username: "pg", password: "pgpw", host: "rds" }));
  aws.requests.length = 0;
  aws.sessions.length = 0;
});

describe("aws secrets manager: seeds and reads", () => {
  test("seed store with static keys: properties of several secrets, one call per secret", async () => {
    const c = await provider.newClient(sm(), ctx());
    const get = async (key: string, property: string) => (await c.getSecret({ key, property })).toString();
    assert.equal(await get("production/database", "password"), "p@ss");
    assert.equal(await get("production/api-keys", "stripe-key"), "sk_test");
    assert.equal(await get("production/redis", "connection-string"), "redis://r");
    for (const p of ["username", "password", "host"]) assert.ok((await get("production/rds-postgres", p)).length > 0);
    assert.equal(aws.count("GetSecretValue"), 4);
    const r = aws.requests[0]!;
    assert.equal(r.accessKeyId, "AKIAIOSFODNN7EXAMPLE");
    assert.equal(r.region, "us-east-1");
    assert.equal(r.headers["x-amz-target"], "secretsmanager.GetSecretValue");
  });

  test("a secret is found by its full ARN as well as by name", async () => {
    const c = await provider.newClient(sm(), ctx());
    const arn = aws.secret("production/database")!.arn;
    assert.equal((await c.getSecret({ key: arn, property: "username" })).toString(), "app");
    const last = aws.requests.filter((r) => r.action === "GetSecretValue").at(-1);
    assert.equal(last?.body.SecretId, arn);
  });

  test("versions (stage and uuid/ form), binary secrets, dotted keys, extract, tags with metadataPolicy Fetch", async () => {
    const v1 = aws.putSecretString("versioned", '{"a":"1"}', { team: "x" });
    aws.putSecretString("versioned", '{"a":"2"}');
    aws.putSecretBinary("bin", Buffer.from([0, 1, 2, 255]));
    aws.putSecretString("dotted", JSON.stringify({ "a.b": "literal", a: { b: "nested" } }));
    const c = await provider.newClient(sm(), ctx());
    assert.equal((await c.getSecret({ key: "versioned", property: "a" })).toString(), "2");
    assert.equal((await c.getSecret({ key: "versioned", property: "a", version: "AWSPREVIOUS" })).toString(), "1");
    assert.equal((await c.getSecret({ key: "versioned", property: "a", version: `uuid/${v1}` })).toString(), "1");
    assert.deepEqual([...(await c.getSecret({ key: "bin" }))], [0, 1, 2, 255]);
    assert.equal((await c.getSecret({ key: "dotted", property: "a.b" })).toString(), "literal");
    const m = await c.getSecretMap({ key: "production/database" });
    assert.deepEqual(Object.keys(m).sort(), ["host", "password", "username"]);
    assert.equal((await c.getSecret({ key: "versioned", metadataPolicy: "Fetch" })).toString(), '{"team":"x"}');
    assert.equal((await c.getSecret({ key: "versioned", metadataPolicy: "Fetch", property: "team" })).toString(), "x");
  });

  test("find by name regexp (paginated ListSecrets), by path prefix (BatchGetSecretValue) and by tags", async () => {
    aws.putSecretString("app/one", "1", { env: "prod" });
    aws.putSecretString("app/two", "2", { env: "dev" });
    aws.putSecretString("other/three", "3", { env: "prod" });
    const c = await provider.newClient(sm(), ctx());
    const byName = await c.getAllSecrets({ name: { regexp: "^app/" } });
    assert.deepEqual(Object.keys(byName).sort(), ["app/one", "app/two"]);
    assert.ok(aws.count("ListSecrets") >= 2);
    const byPath = await c.getAllSecrets({ path: "app/", name: { regexp: "one" } });
    assert.deepEqual(Object.keys(byPath), ["app/one"]);
    const byTags = await c.getAllSecrets({ tags: { env: "prod" } });
    assert.deepEqual(Object.keys(byTags).sort(), ["app/one", "other/three"]);
    assert.equal(byTags["other/three"]?.toString(), "3");
    assert.ok(aws.count("BatchGetSecretValue") >= 2);
    await assert.rejects(c.getAllSecrets({}), StoreConfigError);
  });
});

describe("aws: errors and retries", () => {
  test("not found, access denied, unknown keys, throttling, 5xx and timeouts map to clear errors", async () => {
    const c = await provider.newClient(sm(), ctx());
    await assert.rejects(c.getSecret({ key: "nope" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "production/database", property: "missing" }), NoSecretError);
    aws.fault("GetSecretValue", { status: 400, code: "AccessDeniedException", message: "not authorized" });
    await assert.rejects(c.getSecret({ key: "a1" }), ProviderAuthError);
    aws.fault("GetSecretValue", { status: 400, code: "ThrottlingException", message: "Rate exceeded" }, 2);
    const before = aws.count("GetSecretValue");
    await assert.rejects(c.getSecret({ key: "a2" }), ProviderThrottledError);
    assert.equal(aws.count("GetSecretValue") - before, 2);
    aws.fault("GetSecretValue", { status: 503, code: "ServiceUnavailable" });
    assert.equal(
      (await c.getSecret({ key: "production/redis", property: "connection-string" })).toString(),
      "redis://r",
    );
    aws.fault("GetSecretValue", { status: 500, code: "InternalServiceError" }, 2);
    await assert.rejects(c.getSecret({ key: "a3" }), /InternalServiceError/);
    aws.fault("GetSecretValue", { delayMs: 700 }, 2);
    const err = await c.getSecret({ key: "a4" }).catch((e) => e);
    assert.match(String(err.message), /timed out|timeout/i);
    kube.setSecret(NS, "aws-credentials", { "access-key-id": "AKIAUNKNOWN", "secret-access-key": "x" });
    const bad = await provider.newClient(sm(), ctx());
    const authErr = await bad.getSecret({ key: "production/database" }).catch((e) => e);
    assert.ok(authErr instanceof ProviderAuthError);
    assert.doesNotMatch(authErr.message, /p@ss/);
  });

  test("spec validation names fields", async () => {
    assert.deepEqual(provider.validate(sm(), "SecretStore").errors, []);
    assert.match(
      provider.validate({ service: "Nope" } as unknown as AWSProviderSpec, "SecretStore").errors.join(),
      /service.*region/,
    );
    // Upstream accepts any string as role: a malformed one validates, with a warning naming the field.
    const malformed = provider.validate(sm({ role: "not-an-arn", additionalRoles: ["hop"] }), "SecretStore");
    assert.deepEqual(malformed.errors, []);
    assert.match(malformed.warnings.join("\n"), /spec\.provider\.aws\.role: is not an IAM role ARN/);
    assert.match(malformed.warnings.join("\n"), /spec\.provider\.aws\.additionalRoles\[0\]: is not an IAM role ARN/);
    assert.deepEqual(provider.validate(sm({ role: "arn:aws:iam::123456789012:role/eso" }), "SecretStore").warnings, []);
    await assert.rejects(provider.newClient(sm({ region: "" }), ctx()), StoreConfigError);
  });
});

describe("aws: authentication", () => {
  test("IRSA (seed jwt store): TokenRequest with sts.amazonaws.com, AssumeRoleWithWebIdentity once", async () => {
    aws.webIdentityCheck = (token) => !!kube.verifyToken(token)?.aud.includes("sts.amazonaws.com");
    const spec = sm({ auth: { jwt: { serviceAccountRef: { name: "external-secrets-sa" } } } });
    for (let i = 0; i < 3; i++) {
      const c = await provider.newClient(spec, ctx("SecretStore", "aws-secrets-manager"));
      assert.equal((await c.getSecret({ key: "production/api-keys", property: "api-key" })).toString(), "k1");
    }
    assert.equal(aws.count("AssumeRoleWithWebIdentity"), 1);
    assert.equal(aws.sessions[0]?.roleArn, "arn:aws:iam::123456789012:role/eso");
    assert.deepEqual(kube.issued[0]?.audiences, ["sts.amazonaws.com"]);
    const last = aws.requests.at(-1)!;
    assert.match(String(last.accessKeyId), /^ASIA/);
    assert.ok(last.headers["x-amz-security-token"]);
  });

  test("ClusterSecretStore IRSA with a cross-namespace ServiceAccount; missing role annotation is a config error", async () => {
    kube.setServiceAccount("external-secrets-system", "external-secrets", {
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/platform",
    });
    const spec = sm({
      auth: { jwt: { serviceAccountRef: { name: "external-secrets", namespace: "external-secrets-system" } } },
    });
    const c = await provider.newClient(spec, ctx("ClusterSecretStore", "aws-secrets-prod", "payments"));
    assert.equal((await c.getSecret({ key: "production/database", property: "host" })).toString(), "db");
    assert.equal(kube.issued[0]?.namespace, "external-secrets-system");
    kube.setServiceAccount(NS, "plain");
    await assert.rejects(
      provider.newClient(sm({ auth: { jwt: { serviceAccountRef: { name: "plain" } } } }), ctx()),
      /IAM role/,
    );
  });

  test("role chain: additionalRoles then role with externalID, session tags and transitive keys", async () => {
    const c = await provider.newClient(
      sm({
        additionalRoles: ["arn:aws:iam::123456789012:role/hop"],
        role: "arn:aws:iam::123456789012:role/target",
        externalID: "ext-1",
        sessionTags: [{ key: "team", value: "payments" }],
        transitiveTagKeys: ["team"],
      }),
      ctx(),
    );
    await c.getSecret({ key: "production/database" });
    assert.equal(aws.sessions.length, 2);
    const [hop, target] = aws.sessions;
    assert.equal(hop?.roleArn, "arn:aws:iam::123456789012:role/hop");
    assert.equal(hop?.sourceAccessKeyId, "AKIAIOSFODNN7EXAMPLE");
    assert.equal(target?.roleArn, "arn:aws:iam::123456789012:role/target");
    assert.match(String(target?.sourceAccessKeyId), /^ASIA/);
    assert.equal(target?.externalId, "ext-1");
    assert.deepEqual(target?.tags, { team: "payments" });
    assert.deepEqual(target?.transitiveTagKeys, ["team"]);
    aws.fault("AssumeRole", { status: 403, code: "AccessDenied", message: "not allowed" });
    caches.clear();
    const denied = await provider.newClient(sm({ role: "arn:aws:iam::123456789012:role/target" }), ctx());
    await assert.rejects(denied.getSecret({ key: "production/database" }), ProviderAuthError);
    assert.equal((await denied.validate()).ready, true);
  });

  test("default credential chain when auth is empty; session token from secretRef", async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIAENVEXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "envsecret";
    try {
      aws.addAccessKey("AKIAENVEXAMPLE", "envsecret");
      const c = await provider.newClient(sm({ auth: undefined }), ctx());
      await c.getSecret({ key: "production/database" });
      assert.equal(aws.requests.at(-1)?.accessKeyId, "AKIAENVEXAMPLE");
      assert.deepEqual(await c.validate(), { ready: true });
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    aws.addAccessKey("ASIATEMP", "tmpsecret", "session-token-1");
    kube.setSecret(NS, "tmp", { id: "ASIATEMP", secret: "tmpsecret", token: "session-token-1" });
    const c = await provider.newClient(
      sm({
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: "tmp", key: "id" },
            secretAccessKeySecretRef: { name: "tmp", key: "secret" },
            sessionTokenSecretRef: { name: "tmp", key: "token" },
          },
        },
      }),
      ctx(),
    );
    await c.getSecret({ key: "production/database" });
    assert.equal(aws.requests.at(-1)?.headers["x-amz-security-token"], "session-token-1");
  });
});

describe("aws secrets manager: push and delete", () => {
  const source = { name: "src", namespace: NS, data: { user: Buffer.from("admin"), pass: Buffer.from("s3cret") } };

  test("push creates with ownership tag, merges properties, skips unchanged values, refuses foreign secrets", async () => {
    const c = await provider.newClient(sm(), ctx());
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "pushed", property: "user" } });
    const created = aws.secret("pushed")!;
    assert.equal(created.tags["managed-by"], "external-secrets");
    assert.equal(created.versions[0]?.id, "00000000-0000-0000-0000-000000000001");
    assert.equal(created.versions[0]?.binary?.toString(), '{"user":"admin"}');
    await c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "pushed", property: "pass" } });
    assert.deepEqual(JSON.parse(created.versions.at(-1)!.binary!.toString()), { user: "admin", pass: "s3cret" });
    const puts = aws.count("PutSecretValue");
    await c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "pushed", property: "pass" } });
    assert.equal(aws.count("PutSecretValue"), puts);
    await c.pushSecret(source, {
      secretKey: "user",
      remoteRef: { remoteKey: "as-string" },
      metadata: { kind: "PushSecretMetadata", spec: { secretPushFormat: "string", tags: { team: "a" } } },
    });
    assert.equal(aws.secret("as-string")?.versions[0]?.string, "admin");
    assert.equal(aws.secret("as-string")?.tags.team, "a");
    await assert.rejects(
      c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "production/database" } }),
      /not managed by external-secrets/,
    );
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), true);
    assert.equal(await c.secretExists({ remoteKey: "never" }), false);
  });

  test("delete removes owned secrets only", async () => {
    const forced = await provider.newClient(sm({ secretsManager: { forceDeleteWithoutRecovery: true } }), ctx());
    await forced.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "owned" } });
    await forced.deleteSecret({ remoteKey: "owned" });
    assert.equal(aws.secret("owned")?.deleted, true);
    const req = aws.requests.find((r) => r.action === "DeleteSecret");
    assert.equal(req?.body.ForceDeleteWithoutRecovery, true);
    await forced.deleteSecret({ remoteKey: "production/database" });
    assert.equal(aws.secret("production/database")?.deleted, undefined);
    await forced.deleteSecret({ remoteKey: "never" });
  });
});

describe("aws parameter store", () => {
  beforeEach(() => {
    aws.putParameter("/app/db/password", "pw1", "SecureString", { env: "prod" });
    aws.putParameter("/app/db/password", "pw2", "SecureString");
    aws.putParameter("/app/config", JSON.stringify({ a: { b: "c" } }), "String", { env: "prod" });
    aws.putParameter("/other/x", "x", "String", { env: "dev" });
    aws.putParameter("/app/extra", "e", "String", { env: "dev" });
  });

  test("GetParameter with decryption, versions, property and tags", async () => {
    const c = await provider.newClient(ps(), ctx());
    assert.equal((await c.getSecret({ key: "/app/db/password" })).toString(), "pw2");
    assert.equal((await c.getSecret({ key: "/app/db/password", version: "1" })).toString(), "pw1");
    assert.equal((await c.getSecret({ key: "/app/config", property: "a.b" })).toString(), "c");
    assert.equal((await c.getSecret({ key: "/app/config", metadataPolicy: "Fetch" })).toString(), '{"env":"prod"}');
    await assert.rejects(c.getSecret({ key: "/missing" }), NoSecretError);
    const get = aws.requests.find((r) => r.action === "GetParameter");
    assert.equal(get?.body.WithDecryption, true);
    assert.equal(get?.headers["x-amz-target"], "AmazonSSM.GetParameter");
    assert.equal(aws.requests.find((r) => r.service === "ssm")?.region, "us-east-1");
  });

  test("find by path (recursive, paginated) with name regexp, and by tags", async () => {
    const c = await provider.newClient(ps(), ctx());
    const byName = await c.getAllSecrets({ path: "/app", name: { regexp: "db|config" } });
    assert.deepEqual(Object.keys(byName).sort(), ["/app/config", "/app/db/password"]);
    assert.equal(byName["/app/db/password"]?.toString(), "pw2");
    assert.ok(aws.count("GetParametersByPath") >= 2);
    assert.equal(aws.requests.find((r) => r.action === "GetParametersByPath")?.body.Recursive, true);
    const byTags = await c.getAllSecrets({ tags: { env: "prod" } });
    assert.deepEqual(Object.keys(byTags).sort(), ["/app/config", "/app/db/password"]);
  });

  test("push creates with tags, updates owned values, refuses foreign ones; delete only owned", async () => {
    const c = await provider.newClient(ps(), ctx());
    const src = { name: "s", namespace: NS, data: { token: Buffer.from("t1") } };
    await c.pushSecret(src, { secretKey: "token", remoteRef: { remoteKey: "/pushed/token" } });
    assert.equal(aws.parameter("/pushed/token")?.tags["managed-by"], "external-secrets");
    src.data.token = Buffer.from("t2");
    await c.pushSecret(src, { secretKey: "token", remoteRef: { remoteKey: "/pushed/token" } });
    assert.equal(aws.parameter("/pushed/token")?.versions.at(-1)?.value, "t2");
    await assert.rejects(
      c.pushSecret(src, { secretKey: "token", remoteRef: { remoteKey: "/other/x" } }),
      /not managed/,
    );
    assert.equal(await c.secretExists({ remoteKey: "/pushed/token" }), true);
    await c.deleteSecret({ remoteKey: "/other/x" });
    assert.ok(aws.parameter("/other/x"));
    await c.deleteSecret({ remoteKey: "/pushed/token" });
    assert.equal(aws.parameter("/pushed/token"), undefined);
    assert.equal(await c.secretExists({ remoteKey: "/pushed/token" }), false);
    aws.fault("GetParameter", { status: 400, code: "ThrottlingException" }, 2);
    await assert.rejects(c.getSecret({ key: "/app/config" }), ProviderThrottledError);
  });
});
