/**
 * GithubAccessToken against the loopback GitHub fake: the App JWT (RS256, iss = appID, iat/exp as GitHub
 * documents) is verified with the App's public key, the installation token lands under `token`, repositories
 * and permissions narrow the token, GitHub Enterprise URLs work, and failures name the field or the call and
 * status without repeating the key, the JWT or the token.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, afterEach, before, describe, test } from "node:test";
import type { GithubAccessTokenSpec } from "../../src/api/generators/github.js";
import { registerBuiltinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { githubAccessTokenGenerator, newGithubAccessTokenGenerator } from "../../src/generators/github/index.js";
import { registeredGenerators } from "../../src/generators/registry.js";
import { FakeGithub } from "../fakes/github-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const pair = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const app = pair();
const other = pair();
const pkcs1 = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});
const ecKey = generateKeyPairSync("ec", {
  namedCurve: "P-256",
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "gh-app", { key: app.privateKey })
  .setSecret("team-a", "gh-wrong", { key: other.privateKey })
  .setSecret("team-a", "gh-pkcs1", { key: pkcs1.privateKey })
  .setSecret("team-a", "gh-ec", { key: ecKey.privateKey })
  .setSecret("team-a", "gh-garbage", { key: "not a key" })
  .setSecret("team-b", "gh-app", { key: app.privateKey });
const ctx: GeneratorContext = { kube, namespace: "team-a" };

let gh: FakeGithub;

const spec = (over: Partial<GithubAccessTokenSpec> = {}): GithubAccessTokenSpec => ({
  url: gh.url,
  appID: "123456",
  installID: "777",
  auth: { privateKey: { secretRef: { name: "gh-app", key: "key" } } },
  ...over,
});

async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

/** No key material, JWT or issued token in an error text. */
function assertClean(message: string) {
  assert.doesNotMatch(message, /BEGIN|PRIVATE KEY|MII/);
  assert.doesNotMatch(message, /eyJ/, "no JWT");
  assert.doesNotMatch(message, /ghs_/, "no installation token");
}

before(async () => {
  gh = await new FakeGithub().start();
  gh.addApp("123456", app.publicKey).addApp("999", pkcs1.publicKey);
  gh.addInstallation("777", {
    appID: "123456",
    repositories: ["api", "web"],
    permissions: { contents: "write", metadata: "read", packages: "read" },
  });
  gh.addInstallation("888", { appID: "999", repositories: ["api"], permissions: { contents: "read" } });
});

after(() => gh.stop());

afterEach(() => {
  gh.requests.length = 0;
  gh.faults.length = 0;
});

describe("GithubAccessToken", () => {
  test("is registered with the built-in generators under its kind and ClusterGenerator key", () => {
    registerBuiltinGenerators();
    assert.ok(registeredGenerators().includes("GithubAccessToken"));
    assert.equal(githubAccessTokenGenerator.clusterSpecKey, "githubAccessTokenSpec");
  });

  test("exchanges a verified App JWT for an installation token under `token`", async () => {
    const before = Math.floor(Date.now() / 1000);
    const out = await githubAccessTokenGenerator.generate(spec(), ctx);
    assert.deepEqual(Object.keys(out.data), ["token"]);
    assert.equal(out.data.token?.toString(), gh.issued.at(-1)?.token);
    assert.equal(out.state, undefined, "installation tokens expire by themselves; nothing to clean up");
    const req = gh.requests.at(-1)!;
    assert.equal(req.path, "/app/installations/777/access_tokens");
    assert.equal(req.claims?.iss, "123456");
    // GitHub: iat 60 s in the past for clock drift, at most 10 minutes of life.
    assert.ok(req.claims!.iat <= before - 59 && req.claims!.iat >= before - 62, `iat ${req.claims!.iat}`);
    assert.equal(req.claims!.exp - req.claims!.iat, 600);
    assert.equal(req.body, undefined, "no body when neither repositories nor permissions are set");
    assert.ok(req.userAgent);
  });

  test("repositories and permissions narrow the token", async () => {
    const out = await githubAccessTokenGenerator.generate(
      spec({ repositories: ["web"], permissions: { contents: "read" } }),
      ctx,
    );
    assert.deepEqual(gh.requests.at(-1)?.body, { permissions: { contents: "read" }, repositories: ["web"] });
    const issued = gh.issued.at(-1)!;
    assert.equal(out.data.token?.toString(), issued.token);
    assert.deepEqual(issued.repositories, ["web"]);
    assert.deepEqual(issued.permissions, { contents: "read" });
  });

  test("a repository outside the installation is GitHub's 422, named with the call", async () => {
    const err = await failure(() => githubAccessTokenGenerator.generate(spec({ repositories: ["secret-repo"] }), ctx));
    assert.match(
      err.message,
      /^github: POST \/app\/installations\/777\/access_tokens: HTTP 422: There is at least one repository/,
    );
    assertClean(err.message);
  });

  test("a GitHub Enterprise url (with /api/v3 and a trailing slash) is the API base", async () => {
    const out = await githubAccessTokenGenerator.generate(spec({ url: `${gh.url}/api/v3/` }), ctx);
    assert.equal(gh.requests.at(-1)?.path, "/api/v3/app/installations/777/access_tokens");
    assert.equal(out.data.token?.toString(), gh.issued.at(-1)?.token);
  });

  test("a PKCS#1 (BEGIN RSA PRIVATE KEY) App key works too", async () => {
    const out = await githubAccessTokenGenerator.generate(
      spec({ appID: "999", installID: "888", auth: { privateKey: { secretRef: { name: "gh-pkcs1", key: "key" } } } }),
      ctx,
    );
    assert.equal(out.data.token?.toString(), gh.issued.at(-1)?.token);
  });

  test("a JWT signed with another key is refused (401) without repeating the key or the JWT", async () => {
    const err = await failure(() =>
      githubAccessTokenGenerator.generate(
        spec({ auth: { privateKey: { secretRef: { name: "gh-wrong", key: "key" } } } }),
        ctx,
      ),
    );
    assert.match(err.message, /access_tokens: HTTP 401: A JSON web token could not be decoded/);
    assertClean(err.message);
  });

  test("a JWT from a clock 15 minutes slow has expired: GitHub refuses it", async () => {
    const slow = newGithubAccessTokenGenerator({ now: () => Date.now() - 15 * 60_000 });
    const err = await failure(() => slow.generate(spec(), ctx));
    assert.match(err.message, /HTTP 401: 'Expiration time' claim/);
  });

  test("an installation of another App is not found (404)", async () => {
    const err = await failure(() => githubAccessTokenGenerator.generate(spec({ installID: "888" }), ctx));
    assert.match(err.message, /access_tokens: HTTP 404/);
  });

  test("server errors and rate limits name the call and status", async () => {
    gh.faults.push(503);
    let err = await failure(() => githubAccessTokenGenerator.generate(spec(), ctx));
    assert.match(err.message, /^github: POST \/app\/installations\/777\/access_tokens: HTTP 503/);
    gh.faults.push({ status: 429, body: { message: "API rate limit exceeded" } });
    err = await failure(() => githubAccessTokenGenerator.generate(spec(), ctx));
    assert.match(err.message, /HTTP 429: API rate limit exceeded/);
  });

  test("a token-less 2xx answer is an error, not an empty value", async () => {
    gh.faults.push({ status: 201, body: { expires_at: "2030-01-01T00:00:00Z" } });
    const err = await failure(() => githubAccessTokenGenerator.generate(spec(), ctx));
    assert.match(err.message, /access_tokens: response has no token/);
  });

  test("an unreachable API names the call", async () => {
    const err = await failure(() => githubAccessTokenGenerator.generate(spec({ url: "http://127.0.0.1:1" }), ctx));
    assert.match(err.message, /^github: POST \/app\/installations\/777\/access_tokens: request failed/);
  });

  test("required fields and key problems name the field and never the key", async () => {
    let err = await failure(() => githubAccessTokenGenerator.generate(spec({ appID: "" }), ctx));
    assert.equal(err.message, "spec.appID: is required");
    err = await failure(() => githubAccessTokenGenerator.generate(spec({ installID: "" }), ctx));
    assert.equal(err.message, "spec.installID: is required");
    err = await failure(() =>
      githubAccessTokenGenerator.generate(
        spec({ auth: { privateKey: { secretRef: { name: "absent", key: "key" } } } }),
        ctx,
      ),
    );
    assert.match(err.message, /^spec\.auth\.privateKey\.secretRef: Secret team-a\/absent not found/);
    err = await failure(() =>
      githubAccessTokenGenerator.generate(
        spec({ auth: { privateKey: { secretRef: { name: "gh-app", key: "pem" } } } }),
        ctx,
      ),
    );
    assert.match(err.message, /key "pem" not found/);
    err = await failure(() =>
      githubAccessTokenGenerator.generate(
        spec({ auth: { privateKey: { secretRef: { name: "gh-garbage", key: "key" } } } }),
        ctx,
      ),
    );
    assert.equal(err.message, "spec.auth.privateKey.secretRef: is not a PEM-encoded private key");
    err = await failure(() =>
      githubAccessTokenGenerator.generate(
        spec({ auth: { privateKey: { secretRef: { name: "gh-ec", key: "key" } } } }),
        ctx,
      ),
    );
    assert.match(err.message, /must be RSA, got ec/);
    assertClean(err.message);
    assert.equal(gh.requests.length, 0, "nothing was sent");
  });

  test("tenancy: the key is read only from the generator's namespace", async () => {
    const err = await failure(() =>
      githubAccessTokenGenerator.generate(
        spec({ auth: { privateKey: { secretRef: { name: "gh-app", namespace: "team-b", key: "key" } } } }),
        ctx,
      ),
    );
    assert.match(err.message, /spec\.auth\.privateKey\.secretRef\.namespace: .*may not reference another namespace/);
    assert.equal(gh.requests.length, 0);
  });

  test("the caller's abort signal ends a hanging call", async () => {
    gh.faults.push({ hang: true });
    const controller = new AbortController();
    const pending = failure(() => githubAccessTokenGenerator.generate(spec(), { ...ctx, signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("reconcile cancelled")), 100);
    const start = Date.now();
    await pending;
    assert.ok(Date.now() - start < 5000);
  });
});
