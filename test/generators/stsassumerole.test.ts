/**
 * STSAssumeRoleToken against the loopback AWS fake (STS over the query protocol, SigV4 scope and key checks):
 * upstream's four keys, requestParameters (sessionDuration, externalID), long-term keys and IRSA's temporary
 * credentials as the signer, failures naming the field, retries and timeouts, tenancy, no credential in errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { STSAssumeRoleTokenSpec } from "../../src/api/generators/stsassumerole.js";
import { generatorKinds } from "../../src/api/generators.js";
import { validationErrors } from "../../src/api/validation.js";
import { builtinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import {
  newStsAssumeRoleTokenGenerator,
  stsAssumeRoleTokenGenerator,
} from "../../src/generators/stsassumerole/index.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { failure, fastTuning, staticKeysAuth, useFakeAws } from "../support/aws-generators.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const REGION = "ca-central-1";
const KEY_ID = "AKIDASSUMER";
const SECRET_KEY = "assumer-long-term-secret";
const ROLE = "arn:aws:iam::210987654321:role/deployer";
const IRSA_ROLE = "arn:aws:iam::123456789012:role/pod-identity";
const TIMEOUT_MS = 400;

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "aws-creds", { id: KEY_ID, secret: SECRET_KEY })
  .setSecret("team-b", "aws-creds", { id: KEY_ID, secret: SECRET_KEY })
  .setServiceAccount("team-a", "irsa", { "eks.amazonaws.com/role-arn": IRSA_ROLE });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const auth = staticKeysAuth;
const gen = newStsAssumeRoleTokenGenerator(fastTuning(TIMEOUT_MS));
const spec = (extra: Partial<STSAssumeRoleTokenSpec> = {}): STSAssumeRoleTokenSpec => ({
  region: REGION,
  role: ROLE,
  auth,
  ...extra,
});

const aws = useFakeAws({
  region: REGION,
  accessKey: { id: KEY_ID, secret: SECRET_KEY },
  services: ["sts"],
  irsaFrom: kube,
  reallow: "AssumeRole",
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("STSAssumeRoleToken", () => {
  test("long-term keys assume spec.role once; upstream's four keys hold the role's usable credentials", async () => {
    const out = await gen.generate(spec(), ctx);
    assert.deepEqual(Object.keys(out.data).sort(), [
      "access_key_id",
      "expiration",
      "secret_access_key",
      "session_token",
    ]);
    assert.equal(aws.count("AssumeRole"), 1);
    const session = aws.sessions.at(-1)!;
    assert.equal(session.roleArn, ROLE);
    assert.equal(session.sourceAccessKeyId, KEY_ID);
    assert.equal(session.durationSeconds, 3600, "AWS's default when sessionDuration is unset");
    assert.equal(session.externalId, undefined);
    assert.match(out.data.access_key_id!.toString(), /^ASIA/);
    assert.ok(out.data.secret_access_key?.length && out.data.session_token?.length);
    assert.ok(Math.abs(Number(out.data.expiration?.toString()) - (nowSeconds() + 3600)) <= 5);
  });

  test("requestParameters reach AssumeRole: sessionDuration sets the expiry, externalID is passed", async () => {
    const out = await gen.generate(spec({ requestParameters: { sessionDuration: 7200, externalID: "ext-42" } }), ctx);
    const session = aws.sessions.at(-1)!;
    assert.equal(session.durationSeconds, 7200);
    assert.equal(session.externalId, "ext-42");
    assert.ok(Math.abs(Number(out.data.expiration?.toString()) - (nowSeconds() + 7200)) <= 5);
  });

  test("IRSA: the web identity session (temporary credentials) signs the AssumeRole, unlike STSSessionToken", async () => {
    const out = await gen.generate(spec({ auth: { jwt: { serviceAccountRef: { name: "irsa" } } } }), ctx);
    assert.equal(aws.count("AssumeRoleWithWebIdentity"), 1);
    const [web, target] = aws.sessions.slice(-2);
    assert.equal(web?.roleArn, IRSA_ROLE);
    assert.equal(target?.roleArn, ROLE);
    assert.match(String(target?.sourceAccessKeyId), /^ASIA/);
    assert.notEqual(out.data.access_key_id?.toString(), target?.sourceAccessKeyId);
  });

  test("spec checks fail before any call: role, region and sessionDuration bounds", async () => {
    assert.match((await failure(() => gen.generate(spec({ role: "" }), ctx))).message, /^spec\.role: is required/);
    assert.match((await failure(() => gen.generate(spec({ region: "" }), ctx))).message, /^spec\.region: is required/);
    const short = await failure(() => gen.generate(spec({ requestParameters: { sessionDuration: 60 } }), ctx));
    assert.match(short.message, /^spec\.requestParameters\.sessionDuration: must be between 900 and 43200/);
    assert.equal(aws.requests.length, 0);
  });

  test("a refused AssumeRole names spec.role; credential material in AWS's message is cut out", async () => {
    aws.deny("AssumeRole");
    const denied = await failure(() => gen.generate(spec(), ctx));
    assert.match(denied.message, /^spec\.role: sts:AssumeRole was refused: AccessDeniedException.*not authorized/);
    aws.allow("AssumeRole");
    aws.fault("AssumeRole", { status: 403, code: "AccessDenied", message: `trust policy mismatch for ${SECRET_KEY}` });
    const err = await failure(() => gen.generate(spec(), ctx));
    assert.match(err.message, /^spec\.role: sts:AssumeRole was refused: AccessDenied \(HTTP 403\)/);
    assert.ok(!err.message.includes(SECRET_KEY), err.message);
  });

  test("throttling is retried; a hanging STS times out naming spec.region; a 5xx names the status", async () => {
    aws.fault("AssumeRole", { status: 400, code: "Throttling", message: "Rate exceeded" });
    await gen.generate(spec(), ctx);
    assert.equal(aws.count("AssumeRole"), 2);
    aws.requests.length = 0;
    aws.fault("AssumeRole", { hang: true }, 2);
    const hung = await failure(() => gen.generate(spec(), ctx));
    assert.match(hung.message, new RegExp(`^spec\\.region "${REGION}": sts:AssumeRole timed out`));
    aws.fault("AssumeRole", { status: 500, code: "InternalFailure", message: "boom" }, 2);
    const server = await failure(() => gen.generate(spec(), ctx));
    assert.match(server.message, /^spec\.region "ca-central-1": sts:AssumeRole failed: InternalFailure \(HTTP 500\)/);
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
    assert.equal(aws.requests.length, 0);
  });

  test("registration and manifest validation: kind, key, plural; role is required", () => {
    assert.ok(builtinGenerators.includes(stsAssumeRoleTokenGenerator));
    assert.equal(generatorKinds.STSAssumeRoleToken.clusterKey, "stsAssumeRoleTokenSpec");
    assert.equal(generatorKinds.STSAssumeRoleToken.plural, "stsassumeroletokens");
    const manifest = (s: unknown) => ({
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "STSAssumeRoleToken",
      metadata: { name: "r", namespace: "team-a" },
      spec: s,
    });
    assert.deepEqual(validationErrors(manifest({ region: REGION, role: ROLE })), []);
    assert.match(JSON.stringify(validationErrors(manifest({ region: REGION }))), /spec\.role/);
  });
});
