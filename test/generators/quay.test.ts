/**
 * QuayAccessToken against the loopback Quay fake (HTTPS, robot federation): the documented keys (registry, auth,
 * expiry), the TokenRequest's namespace and audiences, refusals naming the field without repeating a token, TLS
 * trust through ESO_QUAY_CA_BUNDLE, and tenancy (only the generator's namespace's ServiceAccounts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { builtinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { quayHost } from "../../src/generators/quay/generator.js";
import { quayAccessTokenGenerator as gen, QUAY_CA_BUNDLE_ENV } from "../../src/generators/quay/index.js";
import { FakeQuay } from "../fakes/quay-server.js";
import { MemoryKubeAccess, TEST_TOKEN_ISSUER } from "../support/memory-kube-access.js";

const ROBOT = "acme+puller";
const AUDIENCE = "quay.example.com";
let kube: MemoryKubeAccess;
let quay: FakeQuay;
let dir: string;
let ctx: GeneratorContext;

const spec = (extra: Record<string, unknown> = {}) => ({
  url: quay.host,
  robotAccount: ROBOT,
  serviceAccountRef: { name: "puller", audiences: [AUDIENCE] },
  ...extra,
});

before(async () => {
  quay = await new FakeQuay((jwt) => kube.verifyToken(jwt) as Record<string, any> | undefined).start();
  quay.federate(ROBOT, {
    issuer: TEST_TOKEN_ISSUER,
    subject: "system:serviceaccount:team-a:puller",
    audience: AUDIENCE,
  });
  dir = mkdtempSync(join(tmpdir(), "quay-ca-"));
  writeFileSync(join(dir, "ca.pem"), quay.caPem);
});

after(async () => {
  await quay.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  kube = new MemoryKubeAccess()
    .setServiceAccount("team-a", "puller")
    .setServiceAccount("team-a", "other")
    .setServiceAccount("team-b", "puller");
  ctx = { kube, namespace: "team-a" };
  process.env[QUAY_CA_BUNDLE_ENV] = join(dir, "ca.pem");
});

afterEach(() => {
  delete process.env[QUAY_CA_BUNDLE_ENV];
  quay.faults.length = 0;
  quay.requests.length = 0;
  quay.opaqueTokens = false;
});

/** The generator's rejection message, asserted to carry no issued token. */
async function failure(s: Record<string, unknown>, c: GeneratorContext = ctx): Promise<string> {
  const err = (await gen.generate(s as never, c).then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  )) as Error;
  assert.equal(err.name, "GeneratorError");
  assert.doesNotMatch(err.message, /eyJ/, "no JWT in the message");
  return err.message;
}

describe("QuayAccessToken", () => {
  test("exchanges a ServiceAccount token for a robot token: registry, auth and expiry as upstream", async () => {
    const { data, state } = await gen.generate(spec(), ctx);
    const issued = quay.issued.at(-1)!;
    assert.deepEqual(Object.keys(data).sort(), ["auth", "expiry", "registry"]);
    assert.equal(data.registry!.toString(), quay.host);
    assert.equal(Buffer.from(data.auth!.toString(), "base64").toString(), `${ROBOT}:${issued.token}`);
    assert.equal(data.expiry!.toString(), String(issued.exp));
    assert.equal(state, undefined, "nothing to revoke");
    assert.deepEqual(kube.issued, [
      { namespace: "team-a", serviceAccount: "puller", audiences: [AUDIENCE], expirationSeconds: 600 },
    ]);
    assert.deepEqual(quay.requests, [{ method: "GET", path: "/oauth2/federation/robot/token", robot: ROBOT }]);
  });

  test("an https:// prefix on spec.url is dropped from the registry value", async () => {
    const { data } = await gen.generate(spec({ url: `https://${quay.host}` }), ctx);
    assert.equal(data.registry!.toString(), quay.host);
  });

  test("spec.url defaults to quay.io and refuses another scheme before any call", async () => {
    assert.equal(quayHost(undefined), "quay.io");
    assert.equal(quayHost(""), "quay.io");
    assert.match(await failure(spec({ url: `http://${quay.host}` })), /^spec\.url: .*https is implied/);
    assert.equal(kube.issued.length, 0);
    assert.equal(quay.requests.length, 0);
  });

  test("without audiences the API server's default audience is requested, and Quay refuses it", async () => {
    const msg = await failure(spec({ serviceAccountRef: { name: "puller" } }));
    assert.match(msg, /^spec\.robotAccount: .*HTTP 401/);
    assert.equal(quay.lastRefusal, "audience");
    assert.deepEqual(kube.issued[0]!.audiences, ["https://kubernetes.default.svc.cluster.local"]);
  });

  test("a ServiceAccount the robot does not federate with is refused", async () => {
    const msg = await failure(spec({ serviceAccountRef: { name: "other", audiences: [AUDIENCE] } }));
    assert.match(msg, /spec\.robotAccount/);
    assert.equal(quay.lastRefusal, "subject");
  });

  test("an unknown robot account is refused", async () => {
    await failure(spec({ robotAccount: "acme+nobody" }));
    assert.equal(quay.lastRefusal, "robot");
  });

  test("a server error names spec.url and the status", async () => {
    quay.faults.push(503);
    assert.match(
      await failure(spec()),
      /^spec\.url: quay: GET \/oauth2\/federation\/robot\/token: unexpected HTTP 503$/,
    );
  });

  test("the robot token must be a JWT: its exp is the expiry", async () => {
    quay.opaqueTokens = true;
    assert.match(await failure(spec()), /not a JWT/);
  });

  test("TLS is verified: without the CA bundle the self-signed server is not trusted", async () => {
    delete process.env[QUAY_CA_BUNDLE_ENV];
    assert.match(await failure(spec()), /^spec\.url: quay: GET .* failed: .*certificate/i);
  });

  test("an unreadable CA bundle names the variable", async () => {
    process.env[QUAY_CA_BUNDLE_ENV] = join(dir, "missing.pem");
    assert.match(await failure(spec()), /^ESO_QUAY_CA_BUNDLE: cannot read .*ENOENT/);
  });

  test("a missing ServiceAccount or robot account names the field", async () => {
    assert.match(
      await failure(spec({ serviceAccountRef: { name: "ghost", audiences: [AUDIENCE] } })),
      /^spec\.serviceAccountRef: TokenRequest failed: .*ghost/,
    );
    assert.match(await failure(spec({ robotAccount: "" })), /^spec\.robotAccount: is required/);
    assert.equal(quay.requests.length, 0);
  });

  test("tenancy: another namespace's ServiceAccount is refused before any TokenRequest", async () => {
    const msg = await failure(
      spec({ serviceAccountRef: { name: "puller", namespace: "team-b", audiences: [AUDIENCE] } }),
    );
    assert.match(msg, /^spec\.serviceAccountRef\.namespace: /);
    assert.equal(kube.issued.length, 0);
  });

  test("the caller's abort signal stops a hanging exchange", async () => {
    quay.faults.push({ hang: true });
    const ac = new AbortController();
    const pending = gen.generate(spec(), { ...ctx, signal: ac.signal });
    setTimeout(() => ac.abort(new Error("reconcile deadline")), 50);
    await assert.rejects(pending, /reconcile deadline|aborted/);
  });

  test("is a built-in kind with upstream's ClusterGenerator key", () => {
    assert.ok(builtinGenerators.includes(gen));
    assert.equal(gen.clusterSpecKey, "quayAccessTokenSpec");
  });
});
