/**
 * RDSIAMAuthToken: the token is a SigV4 presigned "connect" URL made locally, so it is checked against the AWS
 * SDK's own signer (@smithy/signature-v4) at a fixed time; role assumption and IRSA go through the loopback AWS
 * fake's STS. Also upstream's seven keys, spec checks, failures naming the field, tenancy, no secret in errors.
 */
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import type { RDSIAMAuthTokenSpec } from "../../src/api/generators/rdsiam.js";
import { generatorKinds } from "../../src/api/generators.js";
import { validationErrors } from "../../src/api/validation.js";
import { builtinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { newRdsIamAuthTokenGenerator, rdsIamAuthTokenGenerator } from "../../src/generators/rdsiam/index.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { failure, staticKeysAuth, useFakeAws } from "../support/aws-generators.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const REGION = "us-west-2";
const KEY_ID = "AKIDRDSUSER";
const SECRET_KEY = "rds-user-long-term-secret";
const HOST = "orders.cluster-abc123.us-west-2.rds.amazonaws.com";
const AT = new Date("2026-03-04T05:06:07Z");

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "aws-creds", { id: KEY_ID, secret: SECRET_KEY })
  .setSecret("team-b", "aws-creds", { id: KEY_ID, secret: SECRET_KEY })
  .setServiceAccount("team-a", "db-iam", { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/db-connect" });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const auth = staticKeysAuth;
const gen = newRdsIamAuthTokenGenerator({ maxAttempts: 1 }, () => AT);
const spec = (extra: Partial<RDSIAMAuthTokenSpec> = {}): RDSIAMAuthTokenSpec => ({
  region: REGION,
  hostname: HOST,
  port: 5432,
  username: "app_user",
  auth,
  ...extra,
});

/** The SDK signer's node crypto hash, as @smithy/hash-node provides it. */
class NodeSha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret ? createHmac("sha256", secret) : createHash("sha256");
  }
  update(data: string | Uint8Array) {
    this.h.update(typeof data === "string" ? Buffer.from(data) : data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

async function sdkSignature(
  username: string,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  const signer = new SignatureV4({ credentials: creds, region: REGION, service: "rds-db", sha256: NodeSha256 as any });
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname: HOST,
      port: 5432,
      path: "/",
      query: { Action: "connect", DBUser: username },
      headers: { host: `${HOST}:5432` },
    },
    { expiresIn: 900, signingDate: AT },
  );
  return signed.query as Record<string, string>;
}

const aws = useFakeAws({
  region: REGION,
  accessKey: { id: KEY_ID, secret: SECRET_KEY },
  services: ["sts"],
  irsaFrom: kube,
});

const tokenQuery = (token: string) => {
  assert.ok(token.startsWith(`${HOST}:5432/?`), token.slice(0, 80));
  return Object.fromEntries(new URL(`https://${token}`).searchParams);
};

describe("RDSIAMAuthToken", () => {
  test("static keys give upstream's seven keys; the token is the SDK signer's presigned connect URL", async () => {
    const out = await gen.generate(spec({ username: "app user+1" }), ctx);
    assert.deepEqual(Object.keys(out.data).sort(), [
      "endpoint",
      "expires_at",
      "hostname",
      "password",
      "port",
      "token",
      "username",
    ]);
    assert.equal(out.state, undefined);
    const token = out.data.token!.toString();
    assert.equal(out.data.password?.toString(), token);
    assert.equal(out.data.username?.toString(), "app user+1");
    assert.equal(out.data.hostname?.toString(), HOST);
    assert.equal(out.data.port?.toString(), "5432");
    assert.equal(out.data.endpoint?.toString(), `${HOST}:5432`);
    assert.equal(out.data.expires_at?.toString(), String(AT.getTime() / 1000 + 900));
    const q = tokenQuery(token);
    assert.equal(q.Action, "connect");
    assert.equal(q.DBUser, "app user+1");
    assert.equal(q["X-Amz-Credential"], `${KEY_ID}/20260304/${REGION}/rds-db/aws4_request`);
    assert.equal(q["X-Amz-Expires"], "900");
    assert.equal(q["X-Amz-Security-Token"], undefined);
    const sdk = await sdkSignature("app user+1", { accessKeyId: KEY_ID, secretAccessKey: SECRET_KEY });
    assert.equal(q["X-Amz-Signature"], sdk["X-Amz-Signature"]);
    assert.ok(!token.includes(SECRET_KEY));
    assert.equal(aws.requests.length, 0, "no AWS call for static keys");
  });

  test("spec.role is assumed first and the token carries and signs the session token", async () => {
    const role = "arn:aws:iam::123456789012:role/db-connect";
    const out = await gen.generate(spec({ role }), ctx);
    assert.equal(aws.sessions.at(-1)?.roleArn, role);
    const q = tokenQuery(out.data.token!.toString());
    assert.match(q["X-Amz-Credential"]!, /^ASIA/);
    assert.ok(q["X-Amz-Security-Token"]);
  });

  test("IRSA: the service account's token is exchanged for the annotated role", async () => {
    const out = await gen.generate(spec({ auth: { jwt: { serviceAccountRef: { name: "db-iam" } } } }), ctx);
    assert.equal(aws.count("AssumeRoleWithWebIdentity"), 1);
    assert.equal(aws.sessions.at(-1)?.roleArn, "arn:aws:iam::123456789012:role/db-connect");
    assert.match(tokenQuery(out.data.token!.toString())["X-Amz-Credential"]!, /^ASIA/);
  });

  test("a token signed with session credentials matches the SDK signer too", async () => {
    const sessionKube = new MemoryKubeAccess().setSecret("team-a", "aws-creds", {
      id: "ASIAEXAMPLE",
      secret: SECRET_KEY,
      token: "IQoJb3JpZ2luX2VjEXAMPLE/+=",
    });
    const out = await gen.generate(
      spec({ auth: { secretRef: { ...auth.secretRef, sessionTokenSecretRef: { name: "aws-creds", key: "token" } } } }),
      { kube: sessionKube, namespace: "team-a" },
    );
    const q = tokenQuery(out.data.token!.toString());
    const sdk = await sdkSignature("app_user", {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: SECRET_KEY,
      sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/+=",
    });
    assert.equal(q["X-Amz-Security-Token"], "IQoJb3JpZ2luX2VjEXAMPLE/+=");
    assert.equal(q["X-Amz-Signature"], sdk["X-Amz-Signature"]);
  });

  test("spec checks name the field: region, hostname, port range, username", async () => {
    assert.match((await failure(() => gen.generate(spec({ region: " " }), ctx))).message, /^spec\.region: is required/);
    assert.match(
      (await failure(() => gen.generate(spec({ hostname: "" }), ctx))).message,
      /^spec\.hostname: is required/,
    );
    for (const port of [0, 65536]) {
      const err = await failure(() => gen.generate(spec({ port }), ctx));
      assert.match(err.message, /^spec\.port: must be between 1 and 65535/);
    }
    assert.match(
      (await failure(() => gen.generate(spec({ username: "" }), ctx))).message,
      /^spec\.username: is required/,
    );
  });

  test("a refused role assumption names spec.role without the secret key", async () => {
    aws.fault("AssumeRole", { status: 403, code: "AccessDenied", message: "not allowed to assume" });
    const err = await failure(() => gen.generate(spec({ role: "arn:aws:iam::123456789012:role/nope" }), ctx));
    assert.match(err.message, /^spec\.role: /);
    assert.ok(!err.message.includes(SECRET_KEY), err.message);
    aws.clearFaults();
  });

  test("tenancy: another namespace's Secret and the operator's own identity are refused", async () => {
    const other = {
      secretRef: {
        accessKeyIDSecretRef: { name: "aws-creds", key: "id", namespace: "team-b" },
        secretAccessKeySecretRef: { name: "aws-creds", key: "secret", namespace: "team-b" },
      },
    };
    const cross = await failure(() => gen.generate(spec({ auth: other }), ctx));
    assert.match(cross.message, /spec\.auth\.secretRef\.accessKeyIDSecretRef\.namespace: a SecretStore may not/);
    configureTenantPolicy({ refuseAmbientCredentials: true });
    const ambient = await failure(() => gen.generate(spec({ auth: undefined }), ctx));
    assert.match(ambient.message, /^spec\.auth: a SecretStore or generator must set/);
  });

  test("registration and manifest validation as upstream: kind, rdsIAMAuthTokenSpec, plural, port bounds", () => {
    assert.ok(builtinGenerators.includes(rdsIamAuthTokenGenerator));
    assert.equal(generatorKinds.RDSIAMAuthToken.clusterKey, "rdsIAMAuthTokenSpec");
    assert.equal(generatorKinds.RDSIAMAuthToken.plural, "rdsiamauthtokens");
    const manifest = (s: unknown) => ({
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "RDSIAMAuthToken",
      metadata: { name: "db", namespace: "team-a" },
      spec: s,
    });
    assert.deepEqual(validationErrors(manifest({ region: REGION, hostname: HOST, port: 5432, username: "u" })), []);
    assert.match(
      JSON.stringify(validationErrors(manifest({ region: REGION, hostname: HOST, username: "u" }))),
      /spec\.port/,
    );
    assert.match(
      JSON.stringify(validationErrors(manifest({ region: REGION, hostname: HOST, port: 70000, username: "u" }))),
      /spec\.port/,
    );
  });
});
