/**
 * CloudsmithAccessToken against the loopback Cloudsmith fake (OIDC exchange): the documented keys (auth, expiry),
 * the exchange request (path, JSON body, content type), the TokenRequest's audiences, refusals and failures naming
 * the field without repeating a token, and tenancy.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { builtinGenerators } from "../../src/generators/builtin.js";
import { cloudsmithAccessTokenGenerator as gen } from "../../src/generators/cloudsmith/index.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { FakeCloudsmith } from "../fakes/cloudsmith-server.js";
import { MemoryKubeAccess, TEST_TOKEN_ISSUER } from "../support/memory-kube-access.js";

const AUDIENCE = "https://api.cloudsmith.io";
let kube: MemoryKubeAccess;
let cs: FakeCloudsmith;
let ctx: GeneratorContext;

const spec = (extra: Record<string, unknown> = {}) => ({
  apiUrl: cs.url,
  orgSlug: "acme",
  serviceSlug: "ci-puller",
  serviceAccountRef: { name: "builder", audiences: [AUDIENCE] },
  ...extra,
});

before(async () => {
  cs = await new FakeCloudsmith((jwt) => kube.verifyToken(jwt) as Record<string, any> | undefined).start();
  cs.service("acme", "ci-puller", {
    issuer: TEST_TOKEN_ISSUER,
    subject: "system:serviceaccount:team-a:builder",
    audience: AUDIENCE,
  });
});

after(async () => {
  await cs.stop();
});

beforeEach(() => {
  kube = new MemoryKubeAccess().setServiceAccount("team-a", "builder").setServiceAccount("team-b", "builder");
  ctx = { kube, namespace: "team-a" };
});

afterEach(() => {
  cs.faults.length = 0;
  cs.requests.length = 0;
});

async function failure(s: Record<string, unknown>, c: GeneratorContext = ctx): Promise<string> {
  const err = (await gen.generate(s as never, c).then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  )) as Error;
  assert.equal(err.name, "GeneratorError");
  assert.doesNotMatch(err.message, /eyJ/, "no JWT in the message");
  return err.message;
}

describe("CloudsmithAccessToken", () => {
  test("exchanges a ServiceAccount token for an API token: auth and expiry as upstream", async () => {
    const { data, state } = await gen.generate(spec(), ctx);
    const issued = cs.issued.at(-1)!;
    assert.deepEqual(Object.keys(data).sort(), ["auth", "expiry"]);
    assert.equal(Buffer.from(data.auth!.toString(), "base64").toString(), `token:${issued.token}`);
    assert.equal(data.expiry!.toString(), String(issued.exp));
    assert.equal(state, undefined);
    assert.deepEqual(
      kube.issued.map((t) => [t.namespace, t.serviceAccount, t.audiences]),
      [["team-a", "builder", [AUDIENCE]]],
    );
    const req = cs.requests[0]!;
    assert.equal(req.method, "POST");
    assert.equal(req.path, "/openid/acme/");
    assert.match(req.contentType ?? "", /^application\/json/);
    assert.deepEqual(Object.keys(req.body ?? {}).sort(), ["oidc_token", "service_slug"]);
    assert.equal(req.body?.service_slug, "ci-puller");
    assert.ok(kube.verifyToken(String(req.body?.oidc_token)), "the body carries the minted ServiceAccount token");
  });

  test("a trailing slash on spec.apiUrl does not double the path", async () => {
    await gen.generate(spec({ apiUrl: `${cs.url}/` }), ctx);
    assert.equal(cs.requests[0]!.path, "/openid/acme/");
  });

  test("an unknown organization names spec.orgSlug", async () => {
    assert.match(await failure(spec({ orgSlug: "nope" })), /^spec\.orgSlug: .*HTTP 404/);
  });

  test("an unknown service or a token from the wrong audience is refused, naming spec.serviceSlug", async () => {
    assert.match(await failure(spec({ serviceSlug: "other" })), /^spec\.serviceSlug: .*HTTP 401/);
    assert.equal(cs.lastRefusal, "service");
    assert.match(await failure(spec({ serviceAccountRef: { name: "builder" } })), /^spec\.serviceSlug: .*HTTP 401/);
    assert.equal(cs.lastRefusal, "audience");
  });

  test("throttling and server errors name the status", async () => {
    cs.faults.push(429);
    assert.match(await failure(spec()), /unexpected HTTP 429$/);
    cs.faults.push(502);
    assert.match(await failure(spec()), /^spec\.apiUrl: .*unexpected HTTP 502$/);
  });

  test("an unreachable API names spec.apiUrl", async () => {
    assert.match(await failure(spec({ apiUrl: "http://127.0.0.1:1" })), /^spec\.apiUrl: cloudsmith: POST .* failed/);
  });

  test("required fields are checked before any TokenRequest", async () => {
    assert.match(await failure(spec({ orgSlug: "" })), /^spec\.orgSlug: is required/);
    assert.match(await failure(spec({ serviceSlug: undefined })), /^spec\.serviceSlug: is required/);
    assert.match(await failure(spec({ serviceAccountRef: undefined })), /^spec\.serviceAccountRef\.name: is required/);
    assert.equal(kube.issued.length, 0);
    assert.equal(cs.requests.length, 0);
  });

  test("tenancy: another namespace's ServiceAccount is refused before any TokenRequest", async () => {
    const msg = await failure(spec({ serviceAccountRef: { name: "builder", namespace: "team-b" } }));
    assert.match(msg, /^spec\.serviceAccountRef\.namespace: /);
    assert.equal(kube.issued.length, 0);
  });

  test("is a built-in kind with upstream's ClusterGenerator key", () => {
    assert.ok(builtinGenerators.includes(gen));
    assert.equal(gen.clusterSpecKey, "cloudsmithAccessTokenSpec");
  });
});
