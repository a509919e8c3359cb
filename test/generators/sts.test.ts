/**
 * STSSessionToken against the loopback AWS fake (STS over the query protocol, SigV4 scope and key checks):
 * the documented keys and expiration, request parameters (duration, MFA device and code), what AWS refuses
 * (jwt auth, temporary credentials from spec.role or a session token, a wrong MFA code, a denied action),
 * retries and timeouts on the shared SDK settings, tenancy, and no credential in any error.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { STSSessionTokenSpec } from "../../src/api/generators/sts.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { newStsSessionTokenGenerator } from "../../src/generators/sts/index.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { failure, fastTuning, staticKeysAuth, useFakeAws } from "../support/aws-generators.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";
import { eventually } from "../support/poll.js";

const REGION = "eu-west-2";
const KEY_ID = "AKIDSTSUSER";
const SECRET_KEY = "sts-user-long-term-secret";
const SESSION_TOKEN = "FwoGZXIvYXdzEXISTINGSESSIONTOKEN";
const DEVICE = "arn:aws:iam::123456789012:mfa/ci-user";
const GOOD_CODE = "123456";
const TIMEOUT_MS = 400;

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "aws-creds", { id: KEY_ID, secret: SECRET_KEY, token: SESSION_TOKEN })
  .setSecret("team-b", "aws-creds", { id: KEY_ID, secret: SECRET_KEY });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const auth = staticKeysAuth;
const gen = newStsSessionTokenGenerator(fastTuning(TIMEOUT_MS));

const aws = useFakeAws({
  region: REGION,
  accessKey: { id: KEY_ID, secret: SECRET_KEY },
  services: ["sts"],
  reallow: "GetSessionToken",
  seed: (fake) => fake.addMfaDevice(DEVICE, (code) => code === GOOD_CODE),
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const spec = (extra: Partial<STSSessionTokenSpec> = {}): STSSessionTokenSpec => ({ region: REGION, auth, ...extra });

describe("STSSessionToken", () => {
  test("static keys give upstream's four keys; the new credentials are usable and expire after the AWS default", async () => {
    const out = await gen.generate(spec(), ctx);
    assert.deepEqual(Object.keys(out.data).sort(), [
      "access_key_id",
      "expiration",
      "secret_access_key",
      "session_token",
    ]);
    assert.equal(out.state, undefined, "nothing to revoke");
    const issued = aws.sessionTokens.at(-1)!;
    assert.equal(out.data.access_key_id?.toString(), issued.accessKeyId);
    assert.equal(issued.sourceAccessKeyId, KEY_ID, "signed with the user's long-term key");
    assert.equal(issued.durationSeconds, 43_200);
    assert.ok(out.data.secret_access_key?.length && out.data.session_token?.length);
    const expiration = Number(out.data.expiration?.toString());
    assert.ok(Math.abs(expiration - (nowSeconds() + 43_200)) <= 5, `expiration ${expiration}`);
    const call = aws.requests.find((r) => r.action === "GetSessionToken")!;
    assert.equal(call.region, REGION);
    assert.equal(call.body.DurationSeconds, undefined, "no duration unless set");
  });

  test("requestParameters reach STS: sessionDuration sets the expiration, the MFA device's code is checked", async () => {
    const out = await gen.generate(
      spec({ requestParameters: { sessionDuration: 900, serialNumber: DEVICE, tokenCode: GOOD_CODE } }),
      ctx,
    );
    const call = aws.requests.find((r) => r.action === "GetSessionToken")!;
    assert.equal(call.body.DurationSeconds, "900");
    assert.equal(call.body.SerialNumber, DEVICE);
    assert.equal(call.body.TokenCode, GOOD_CODE);
    assert.equal(aws.sessionTokens.at(-1)?.serialNumber, DEVICE);
    const expiration = Number(out.data.expiration?.toString());
    assert.ok(Math.abs(expiration - (nowSeconds() + 900)) <= 5, `expiration ${expiration}`);
  });

  test("a wrong MFA code names spec.requestParameters.tokenCode and does not repeat the code", async () => {
    const err = await failure(() =>
      gen.generate(spec({ requestParameters: { serialNumber: DEVICE, tokenCode: "654321" } }), ctx),
    );
    assert.match(err.message, /^spec\.requestParameters\.tokenCode: sts:GetSessionToken was refused: AccessDenied/);
    assert.ok(!err.message.includes("654321"), err.message);
  });

  test("spec checks fail before any call: jwt auth (as upstream), duration bounds, a code without a device", async () => {
    const jwt = await failure(() =>
      gen.generate({ region: REGION, auth: { jwt: { serviceAccountRef: { name: "irsa" } } } }, ctx),
    );
    assert.match(jwt.message, /^spec\.auth\.jwt: cannot be used for STSSessionToken/);
    const short = await failure(() => gen.generate(spec({ requestParameters: { sessionDuration: 60 } }), ctx));
    assert.match(short.message, /^spec\.requestParameters\.sessionDuration: must be between 900 and 129600 seconds/);
    const orphan = await failure(() => gen.generate(spec({ requestParameters: { tokenCode: GOOD_CODE } }), ctx));
    assert.match(orphan.message, /^spec\.requestParameters\.serialNumber: is required with tokenCode/);
    const noRegion = await failure(() => gen.generate({ auth } as STSSessionTokenSpec, ctx));
    assert.match(noRegion.message, /^spec\.region: is required/);
    assert.equal(aws.requests.length, 0);
  });

  test("temporary credentials are refused by STS: spec.role and a sessionTokenSecretRef both say why", async () => {
    const role = "arn:aws:iam::123456789012:role/ci";
    const viaRole = await failure(() => gen.generate(spec({ role }), ctx));
    assert.equal(aws.sessions.at(-1)?.roleArn, role, "the role was assumed first");
    assert.match(viaRole.message, /^spec\.role: sts:GetSessionToken was refused: AccessDenied \(HTTP 403\)/);
    assert.match(viaRole.message, /long-term access keys/);

    aws.addAccessKey("AKIDWITHTOKEN", SECRET_KEY, SESSION_TOKEN);
    const kubeWithToken = new MemoryKubeAccess().setSecret("team-a", "aws-creds", {
      id: "AKIDWITHTOKEN",
      secret: SECRET_KEY,
      token: SESSION_TOKEN,
    });
    const sessionAuth = {
      secretRef: { ...auth.secretRef, sessionTokenSecretRef: { name: "aws-creds", key: "token" } },
    };
    const viaToken = await failure(() =>
      gen.generate({ region: REGION, auth: sessionAuth }, { kube: kubeWithToken, namespace: "team-a" }),
    );
    assert.match(viaToken.message, /^spec\.auth: sts:GetSessionToken was refused: AccessDenied/);
    assert.match(viaToken.message, /Cannot call GetSessionToken with session credentials/);
    for (const err of [viaRole, viaToken]) {
      assert.ok(!err.message.includes(SECRET_KEY) && !err.message.includes(SESSION_TOKEN), err.message);
    }
  });

  test("a denied action or a signature fault names spec.auth; credential material in AWS's message is cut out", async () => {
    aws.deny("GetSessionToken");
    const denied = await failure(() => gen.generate(spec(), ctx));
    assert.match(
      denied.message,
      /^spec\.auth: sts:GetSessionToken was refused: AccessDenied.*not authorized to perform/,
    );
    aws.allow("GetSessionToken");

    aws.fault("GetSessionToken", {
      status: 403,
      code: "SignatureDoesNotMatch",
      message: `The request signature we calculated does not match; key ${SECRET_KEY}`,
    });
    const sig = await failure(() => gen.generate(spec(), ctx));
    assert.match(sig.message, /^spec\.auth: sts:GetSessionToken was refused: SignatureDoesNotMatch/);
    assert.ok(!sig.message.includes(SECRET_KEY), sig.message);
    assert.match(sig.message, /\[redacted\]/);
  });

  test("an unknown access key is refused by the fake's SigV4 check and named as spec.auth", async () => {
    const stranger = new MemoryKubeAccess().setSecret("team-a", "aws-creds", {
      id: "AKIDUNKNOWN",
      secret: "nope-nope",
    });
    const err = await failure(() => gen.generate(spec(), { kube: stranger, namespace: "team-a" }));
    assert.match(err.message, /^spec\.auth: sts:GetSessionToken was refused: InvalidClientTokenId/);
  });

  test("throttling is retried; a hanging endpoint times out naming spec.region after the configured attempts", async () => {
    aws.fault("GetSessionToken", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const out = await gen.generate(spec(), ctx);
    assert.equal(out.data.access_key_id?.toString(), aws.sessionTokens.at(-1)?.accessKeyId);
    assert.equal(aws.count("GetSessionToken"), 2);

    aws.requests.length = 0;
    aws.fault("GetSessionToken", { hang: true }, 2);
    const started = Date.now();
    const err = await failure(() => gen.generate(spec(), ctx));
    assert.match(
      err.message,
      new RegExp(`^spec\\.region "${REGION}": sts:GetSessionToken timed out \\(no answer within ${TIMEOUT_MS} ms`),
    );
    assert.equal(aws.count("GetSessionToken"), 2);
    assert.ok(Date.now() - started < 15_000);
  });

  test("the caller's abort signal ends a hanging call without a retry", async () => {
    aws.fault("GetSessionToken", { hang: true });
    const slow = newStsSessionTokenGenerator({ requestTimeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = failure(() => slow.generate(spec(), { ...ctx, signal: controller.signal }));
    await eventually(() => aws.count("GetSessionToken") >= 1, { what: "the first GetSessionToken" });
    const started = Date.now();
    controller.abort(new Error("reconcile cancelled"));
    const err = await pending;
    assert.ok(Date.now() - started < 5_000);
    assert.doesNotMatch(err.message, /timed out/);
    assert.equal(aws.count("GetSessionToken"), 1);
  });

  test("a server error names spec.region and the status", async () => {
    aws.fault("GetSessionToken", { status: 500, code: "InternalFailure", message: "boom" }, 2);
    const err = await failure(() => gen.generate(spec(), ctx));
    assert.match(err.message, /^spec\.region "eu-west-2": sts:GetSessionToken failed: InternalFailure \(HTTP 500\)/);
  });

  test("tenancy: another namespace's Secret and the operator's own identity are refused", async () => {
    const other = {
      secretRef: {
        accessKeyIDSecretRef: { name: "aws-creds", key: "id", namespace: "team-b" },
        secretAccessKeySecretRef: { name: "aws-creds", key: "secret", namespace: "team-b" },
      },
    };
    const cross = await failure(() => gen.generate({ region: REGION, auth: other }, ctx));
    assert.match(cross.message, /spec\.auth\.secretRef\.accessKeyIDSecretRef\.namespace: a SecretStore may not/);

    configureTenantPolicy({ refuseAmbientCredentials: true });
    const ambient = await failure(() => gen.generate({ region: REGION }, ctx));
    assert.match(ambient.message, /^spec\.auth: a SecretStore or generator must set/);
    assert.equal(aws.requests.length, 0);
  });
});
