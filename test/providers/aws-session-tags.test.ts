import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { AWSProvider as AWSProviderSpec } from "../../src/api/providers/aws.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError } from "../../src/providers/errors.js";
import type { ProviderContext, StoreKind } from "../../src/providers/provider.js";
import { FakeAws } from "../fakes/aws-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newAwsProvider({ maxAttempts: 1, retryBaseMs: 5, requestTimeoutMs: 500, connectionTimeoutMs: 500 });
const ROLE = "arn:aws:iam::123456789012:role/team-b";
let aws: FakeAws;
let caches = new ClientCaches();
let kube: MemoryKubeAccess;

const ctx = (storeKind: StoreKind, storeName: string, namespace: string): ProviderContext => ({
  kube,
  caches,
  storeKind,
  storeName,
  namespace,
});
const spec = (extra: Partial<AWSProviderSpec>): AWSProviderSpec => ({
  service: "SecretsManager",
  region: "us-east-1",
  role: ROLE,
  auth: {
    secretRef: {
      accessKeyIDSecretRef: { name: "aws", key: "id" },
      secretAccessKeySecretRef: { name: "aws", key: "secret" },
    },
  },
  ...extra,
});

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
});
after(() => aws.stop());
beforeEach(() => {
  caches.clear();
  caches = new ClientCaches();
  aws.addAccessKey("AKIATAGS", "tags-secret");
  kube = new MemoryKubeAccess();
  for (const ns of ["team-a", "team-b"]) kube.setSecret(ns, "aws", { id: "AKIATAGS", secret: "tags-secret" });
  aws.putSecretString("db", "v");
  aws.sessions.length = 0;
});

describe("aws sessionTagsPolicy on AssumeRole", () => {
  test("None (the default) sends only sessionTags", async () => {
    const c = await provider.newClient(
      spec({ sessionTags: [{ key: "team", value: "b" }] }),
      ctx("SecretStore", "s", "team-b"),
    );
    await c.getSecret({ key: "db" });
    assert.deepEqual(aws.sessions[0]?.tags, { team: "b" });
  });

  test("Simple adds esoNamespace, esoStoreName and esoStoreKind of the requesting ExternalSecret", async () => {
    const c = await provider.newClient(
      spec({ sessionTagsPolicy: "Simple" }),
      ctx("SecretStore", "team-b-store", "team-b"),
    );
    await c.getSecret({ key: "db" });
    assert.equal(aws.sessions[0]?.roleArn, ROLE);
    assert.deepEqual(aws.sessions[0]?.tags, {
      esoNamespace: "team-b",
      esoStoreName: "team-b-store",
      esoStoreKind: "SecretStore",
    });
  });

  test("a ClusterSecretStore tags each requesting namespace with its own session", async () => {
    const store = spec({ sessionTagsPolicy: "Simple" });
    for (const ns of ["team-a", "team-b"]) {
      const c = await provider.newClient(store, ctx("ClusterSecretStore", "shared", ns));
      await c.getSecret({ key: "db" });
      await c.close();
    }
    assert.deepEqual(
      aws.sessions.map((s) => [s.tags.esoNamespace, s.tags.esoStoreKind, s.tags.esoStoreName]),
      [
        ["team-a", "ClusterSecretStore", "shared"],
        ["team-b", "ClusterSecretStore", "shared"],
      ],
    );
  });

  test("Custom adds customSessionTags, drops empty ones and never lets them override a built-in tag", async () => {
    const c = await provider.newClient(
      spec({
        sessionTagsPolicy: "Custom",
        sessionTags: [{ key: "cost-center", value: "42" }],
        customSessionTags: { env: "production", team: "platform", empty: "", esoNamespace: "spoofed" },
      }),
      ctx("SecretStore", "team-b-store", "team-b"),
    );
    await c.getSecret({ key: "db" });
    assert.deepEqual(aws.sessions[0]?.tags, {
      "cost-center": "42",
      env: "production",
      team: "platform",
      esoNamespace: "team-b",
      esoStoreName: "team-b-store",
      esoStoreKind: "SecretStore",
    });
  });

  test("customSessionTags are not sent unless the policy is Custom (and validate warns)", async () => {
    const s = spec({ sessionTagsPolicy: "Simple", customSessionTags: { env: "production" } });
    const c = await provider.newClient(s, ctx("SecretStore", "st", "team-b"));
    await c.getSecret({ key: "db" });
    assert.equal(aws.sessions[0]?.tags.env, undefined);
    assert.match(provider.validate(s, "SecretStore").warnings.join("\n"), /customSessionTags: ignored unless/);
  });

  test("transitiveTagKeys may name policy tags: they reach STS with the tags", async () => {
    const c = await provider.newClient(
      spec({ sessionTagsPolicy: "Simple", transitiveTagKeys: ["esoNamespace"] }),
      ctx("SecretStore", "st", "team-b"),
    );
    await c.getSecret({ key: "db" });
    assert.deepEqual(aws.sessions[0]?.transitiveTagKeys, ["esoNamespace"]);
    assert.equal(aws.sessions[0]?.tags.esoNamespace, "team-b");
  });

  test("tags go on the final role only, after additionalRoles", async () => {
    const c = await provider.newClient(
      spec({ sessionTagsPolicy: "Simple", additionalRoles: ["arn:aws:iam::123456789012:role/hop"] }),
      ctx("SecretStore", "st", "team-b"),
    );
    await c.getSecret({ key: "db" });
    assert.deepEqual(aws.sessions[0]?.tags, {});
    assert.equal(aws.sessions[1]?.roleArn, ROLE);
    assert.equal(aws.sessions[1]?.tags.esoStoreName, "st");
  });

  test("a role whose trust policy lacks sts:TagSession fails the read with an auth error", async () => {
    aws.fault("AssumeRole", {
      status: 403,
      code: "AccessDenied",
      message: "not authorized to perform: sts:TagSession",
    });
    const c = await provider.newClient(spec({ sessionTagsPolicy: "Simple" }), ctx("SecretStore", "st", "team-b"));
    await assert.rejects(
      c.getSecret({ key: "db" }),
      (e: Error) => e instanceof ProviderAuthError && /TagSession/.test(e.message),
    );
  });

  test("validate warns about tags that cannot be sent", () => {
    const w = provider.validate(
      spec({ role: undefined, sessionTagsPolicy: "Simple", transitiveTagKeys: ["nope"] }),
      "SecretStore",
    ).warnings;
    assert.ok(w.some((m) => m.startsWith("spec.provider.aws.sessionTagsPolicy: session tags are sent only")));
    assert.ok(w.some((m) => m.startsWith("spec.provider.aws.transitiveTagKeys[0]: nope is not a session tag")));
    const custom = provider.validate(
      spec({ sessionTagsPolicy: "Custom", customSessionTags: { esoStoreKind: "x" } }),
      "SecretStore",
    );
    assert.ok(custom.warnings.some((m) => m.includes("customSessionTags.esoStoreKind: a built-in session tag")));
    assert.deepEqual(provider.validate(spec({ sessionTagsPolicy: "Simple" }), "SecretStore").warnings, []);
  });
});
