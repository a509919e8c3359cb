/**
 * ECRAuthorizationToken on the shared AWS SDK settings, against the loopback AWS fake: endpoints come from
 * ENDPOINT_ENV (ESO's AWS_ECR_ENDPOINT / AWS_ECR_PUBLIC_ENDPOINT), a hanging endpoint fails with a timeout error
 * naming the spec field after the configured attempts, throttling is retried, the caller's abort signal stops a
 * call, and refusals name spec.auth / spec.role without repeating credential material.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { newEcrAuthorizationTokenGenerator } from "../../src/generators/ecr/index.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";
import { eventually } from "../support/poll.js";

const SECRET_KEY = "ecr-team-secret-key";
const kube = new MemoryKubeAccess().setSecret("team-a", "aws-creds", { id: "AKIDECRTEAM", secret: SECRET_KEY });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const auth = {
  secretRef: {
    accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
    secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
  },
};
const TIMEOUT_MS = 500;
const gen = newEcrAuthorizationTokenGenerator({
  maxAttempts: 2,
  retryBaseMs: 5,
  requestTimeoutMs: TIMEOUT_MS,
  connectionTimeoutMs: TIMEOUT_MS,
});

let priv: FakeAws;
let pub: FakeAws;

before(async () => {
  priv = await new FakeAws("eu-central-1").start();
  pub = await new FakeAws("us-east-1").start();
  for (const f of [priv, pub]) f.addAccessKey("AKIDECRTEAM", SECRET_KEY);
  process.env[ENDPOINT_ENV.ecr] = priv.url;
  process.env[ENDPOINT_ENV.ecrpublic] = pub.url;
  process.env[ENDPOINT_ENV.sts] = priv.url;
});

after(async () => {
  for (const name of [ENDPOINT_ENV.ecr, ENDPOINT_ENV.ecrpublic, ENDPOINT_ENV.sts]) delete process.env[name];
  await priv.stop();
  await pub.stop();
});

afterEach(() => {
  process.env[ENDPOINT_ENV.sts] = priv.url;
  for (const f of [priv, pub]) {
    f.clearFaults();
    f.allow("GetAuthorizationToken");
    f.requests.length = 0;
  }
});

/** Runs `fn`, returning its rejection and how long it took. */
async function failure(fn: () => Promise<unknown>): Promise<{ err: Error; ms: number }> {
  const start = Date.now();
  try {
    await fn();
  } catch (err) {
    return { err: err as Error, ms: Date.now() - start };
  }
  throw new Error("expected a failure");
}

describe("ECRAuthorizationToken on the shared AWS SDK settings", () => {
  test("endpoint overrides use ESO's variable names through ENDPOINT_ENV", async () => {
    assert.equal(ENDPOINT_ENV.ecr, "AWS_ECR_ENDPOINT");
    assert.equal(ENDPOINT_ENV.ecrpublic, "AWS_ECR_PUBLIC_ENDPOINT");
    const p = await gen.generate({ region: "eu-central-1", auth }, ctx);
    assert.equal(p.data.password?.toString(), priv.ecrPasswords.at(-1));
    const q = await gen.generate({ region: "eu-central-1", auth, scope: "public" }, ctx);
    assert.equal(q.data.password?.toString(), pub.ecrPasswords.at(-1));
  });

  for (const scope of ["private", "public"] as const) {
    const fake = () => (scope === "private" ? priv : pub);
    const field = scope === "private" ? /^spec\.region "eu-central-1": ecr:/ : /^spec\.scope "public": ecr-public:/;

    test(`${scope}: a hanging endpoint is a timeout error naming the spec field, after the configured attempts`, async () => {
      fake().fault("GetAuthorizationToken", { hang: true }, 2);
      const { err, ms } = await failure(() => gen.generate({ region: "eu-central-1", auth, scope }, ctx));
      assert.match(err.message, field);
      assert.match(err.message, new RegExp(`GetAuthorizationToken timed out \\(no answer within ${TIMEOUT_MS} ms`));
      assert.equal(fake().count("GetAuthorizationToken"), 2, "one retry, as maxAttempts 2 allows");
      // Two attempts of 500 ms plus backoff; the SDK default (no timeout) would hang until the fake stops.
      assert.ok(ms < 15_000, `failed after ${ms} ms`);
    });

    test(`${scope}: throttling is retried with the shared strategy`, async () => {
      fake().fault("GetAuthorizationToken", { status: 400, code: "ThrottlingException", message: "Rate exceeded" });
      const out = await gen.generate({ region: "eu-central-1", auth, scope }, ctx);
      assert.equal(out.data.password?.toString(), fake().ecrPasswords.at(-1));
      assert.equal(fake().count("GetAuthorizationToken"), 2);
    });

    test(`${scope}: the caller's abort signal ends a hanging call`, async () => {
      fake().fault("GetAuthorizationToken", { hang: true });
      const slow = newEcrAuthorizationTokenGenerator({ requestTimeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = failure(() =>
        slow.generate({ region: "eu-central-1", auth, scope }, { ...ctx, signal: controller.signal }),
      );
      await eventually(() => fake().count("GetAuthorizationToken") >= 1, { what: "the first GetAuthorizationToken" });
      assert.equal(fake().count("GetAuthorizationToken"), 1);
      controller.abort(new Error("reconcile cancelled"));
      const { err, ms } = await pending;
      assert.ok(ms < 30_000, `ended after ${ms} ms`);
      assert.ok(controller.signal.aborted);
      assert.doesNotMatch(err.message, /timed out/);
      assert.equal(fake().count("GetAuthorizationToken"), 1, "no retry after the abort");
    });

    test(`${scope}: a refusal names spec.auth (spec.role with a role) and never repeats credentials`, async () => {
      fake().fault("GetAuthorizationToken", {
        status: 403,
        code: "SignatureDoesNotMatch",
        message: `The request signature we calculated does not match; key ${SECRET_KEY}`,
      });
      const { err } = await failure(() => gen.generate({ region: "eu-central-1", auth, scope }, ctx));
      assert.match(err.message, /^spec\.auth: ecr(-public)?:GetAuthorizationToken was refused: SignatureDoesNotMatch/);
      assert.ok(!err.message.includes(SECRET_KEY), err.message);
      assert.match(err.message, /\[redacted\]/);

      fake().deny("GetAuthorizationToken");
      process.env[ENDPOINT_ENV.sts] = fake().url; // STS is signed for the registry's region
      const role = "arn:aws:iam::123456789012:role/ecr-pull";
      const denied = await failure(() => gen.generate({ region: "eu-central-1", auth, scope, role }, ctx));
      assert.match(denied.err.message, /^spec\.role: ecr(-public)?:GetAuthorizationToken was refused: AccessDenied/);
      assert.match(denied.err.message, /not authorized to perform/);
    });
  }
});
