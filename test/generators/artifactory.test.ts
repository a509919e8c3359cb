/**
 * ArtifactoryAccessToken against the loopback JFrog Access API fake: the documented keys for both auth methods
 * (registry, access_token, reference_token, username, auth, expiry), the request each sends (path, bearer, JSON
 * body with upstream's field names and defaults), refusals and failures naming the field without repeating a
 * token, and tenancy (only the generator namespace's Secret or ServiceAccount is used).
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { newArtifactoryAccessTokenGenerator } from "../../src/generators/artifactory/index.js";
import { builtinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { FakeArtifactory } from "../fakes/artifactory-server.js";
import { MemoryKubeAccess, TEST_TOKEN_ISSUER } from "../support/memory-kube-access.js";

const BOOTSTRAP = "cmVmdGtuOjAxOmJvb3RzdHJhcC10ZWFtLWE";
const NOW_MS = Date.parse("2026-01-01T00:00:00Z");
const gen = newArtifactoryAccessTokenGenerator({ now: () => NOW_MS });
let kube: MemoryKubeAccess;
let jf: FakeArtifactory;
let ctx: GeneratorContext;

const oidcSpec = (oidc: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  url: jf.url,
  auth: {
    oidc: { providerName: "k8s", serviceAccountRef: { name: "puller", audiences: ["jfrog"] }, ...oidc },
  },
  ...extra,
});
const refSpec = (ref: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  url: jf.url,
  auth: {
    referenceToken: { token: { name: "jfrog-bootstrap", key: "token" }, scope: "applied-permissions/user", ...ref },
  },
  ...extra,
});

before(async () => {
  jf = await new FakeArtifactory((jwt) => kube.verifyToken(jwt) as Record<string, any> | undefined).start();
  jf.provider("k8s", {
    rule: { issuer: TEST_TOKEN_ISSUER, subject: "system:serviceaccount:team-a:puller", audience: "jfrog" },
    username: "k8s-puller",
    providerType: "GenericOidc",
    identityMappings: ["pullers"],
  });
  jf.bootstrap(BOOTSTRAP, "ci-admin");
  jf.projects.add("shop");
});

after(async () => {
  await jf.stop();
});

beforeEach(() => {
  kube = new MemoryKubeAccess()
    .setServiceAccount("team-a", "puller")
    .setServiceAccount("team-b", "puller")
    .setSecret("team-a", "jfrog-bootstrap", { token: `${BOOTSTRAP}\n` })
    .setSecret("team-a", "jfrog-wrong", { token: "cmVmdGtuOjAxOm5vdC12YWxpZA" })
    .setSecret("team-b", "jfrog-bootstrap", { token: BOOTSTRAP });
  ctx = { kube, namespace: "team-a" };
  jf.reportExpiresIn = true;
});

afterEach(() => {
  jf.faults.length = 0;
  jf.requests.length = 0;
});

async function failure(s: Record<string, unknown>, c: GeneratorContext = ctx): Promise<string> {
  const err = (await gen.generate(s as never, c).then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  )) as Error;
  assert.equal(err.name, "GeneratorError");
  assert.doesNotMatch(err.message, /eyJ/, "no JWT in the message");
  assert.ok(!err.message.includes(BOOTSTRAP), "no bootstrap token in the message");
  return err.message;
}

const text = (data: Record<string, Buffer>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString()]));

describe("ArtifactoryAccessToken: OIDC exchange", () => {
  test("exchanges a ServiceAccount token: registry, access_token, username, auth and expiry as upstream", async () => {
    const { data, state } = await gen.generate(oidcSpec() as never, ctx);
    const issued = jf.issued.at(-1)!;
    const d = text(data);
    assert.deepEqual(Object.keys(d).sort(), ["access_token", "auth", "expiry", "registry", "username"]);
    assert.equal(d.registry, new URL(jf.url).host);
    assert.equal(d.access_token, issued.accessToken);
    assert.equal(d.username, "k8s-puller");
    assert.equal(Buffer.from(d.auth!, "base64").toString(), `k8s-puller:${issued.accessToken}`);
    assert.equal(d.expiry, String(NOW_MS / 1000 + 3600), "expiry counts expires_in from now");
    assert.equal(state, undefined, "upstream revokes nothing");
    assert.deepEqual(
      kube.issued.map((t) => [t.namespace, t.serviceAccount, t.audiences]),
      [["team-a", "puller", ["jfrog"]]],
    );
    const req = jf.requests[0]!;
    assert.equal(req.path, "/access/api/v1/oidc/token");
    assert.equal(req.authorization, undefined, "the exchange carries no Authorization header");
    assert.match(req.contentType ?? "", /^application\/json/);
    assert.deepEqual(req.body, {
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      subject_token: req.body?.subject_token,
      provider_name: "k8s",
      provider_type: "GenericOidc",
    });
    assert.ok(kube.verifyToken(String(req.body?.subject_token)), "the body carries the minted ServiceAccount token");
  });

  test("optional fields reach the body; auth prefers the reference token; spec.registry loses its https://", async () => {
    const { data } = await gen.generate(
      oidcSpec(
        { projectKey: "shop", identityMappingName: "pullers", includeReferenceToken: true },
        { registry: "https://docker.acme.example" },
      ) as never,
      ctx,
    );
    const issued = jf.issued.at(-1)!;
    const d = text(data);
    assert.equal(d.registry, "docker.acme.example");
    assert.equal(d.reference_token, issued.referenceToken);
    assert.equal(Buffer.from(d.auth!, "base64").toString(), `k8s-puller:${issued.referenceToken}`);
    const body = jf.requests[0]!.body!;
    assert.equal(body.project_key, "shop");
    assert.equal(body.identity_mapping_name, "pullers");
    assert.equal(body.include_reference_token, true);
  });

  test("without expires_in the expiry is the access token's exp", async () => {
    jf.reportExpiresIn = false;
    const { data } = await gen.generate(oidcSpec() as never, ctx);
    assert.equal(data.expiry!.toString(), String(jf.issued.at(-1)!.exp));
  });

  test("a refused exchange names spec.auth.oidc.providerName", async () => {
    assert.match(await failure(oidcSpec({ providerName: "other" })), /^spec\.auth\.oidc\.providerName: .*HTTP 401/);
    assert.equal(jf.lastRefusal, "provider");
    assert.match(
      await failure(oidcSpec({ serviceAccountRef: { name: "puller" } })),
      /^spec\.auth\.oidc\.providerName: .*HTTP 401/,
    );
    assert.equal(jf.lastRefusal, "audience");
    assert.match(await failure(oidcSpec({ providerType: "GitHub" })), /HTTP 401/);
    assert.equal(jf.lastRefusal, "provider_type");
  });

  test("tenancy: another namespace's ServiceAccount is refused before any TokenRequest", async () => {
    const msg = await failure(oidcSpec({ serviceAccountRef: { name: "puller", namespace: "team-b" } }));
    assert.match(msg, /^spec\.auth\.oidc\.serviceAccountRef\.namespace: /);
    assert.equal(kube.issued.length, 0);
    assert.equal(jf.requests.length, 0);
  });
});

describe("ArtifactoryAccessToken: reference token bootstrap", () => {
  test("creates a scoped token with the bootstrap bearer: username from the JWT sub, expiry from expires_in", async () => {
    const { data, state } = await gen.generate(
      refSpec({ expiresIn: 600, description: "eso", refreshable: true, projectKey: "shop" }) as never,
      ctx,
    );
    const issued = jf.issued.at(-1)!;
    const d = text(data);
    assert.deepEqual(Object.keys(d).sort(), ["access_token", "auth", "expiry", "registry", "username"]);
    assert.equal(d.access_token, issued.accessToken);
    assert.equal(d.username, issued.sub);
    assert.equal(Buffer.from(d.auth!, "base64").toString(), `${issued.sub}:${issued.accessToken}`);
    assert.equal(d.expiry, String(NOW_MS / 1000 + 600));
    assert.equal(state, undefined);
    const req = jf.requests[0]!;
    assert.equal(req.path, "/access/api/v1/tokens");
    assert.equal(req.authorization, `Bearer ${BOOTSTRAP}`, "the Secret value is trimmed and sent as a bearer");
    assert.deepEqual(req.body, {
      scope: "applied-permissions/user",
      description: "eso",
      expires_in: 600,
      refreshable: true,
      project_key: "shop",
    });
  });

  test("unset optional fields stay out of the body; a reference token becomes the auth password", async () => {
    const { data } = await gen.generate(refSpec({ includeReferenceToken: true }) as never, ctx);
    const issued = jf.issued.at(-1)!;
    assert.deepEqual(jf.requests[0]!.body, { scope: "applied-permissions/user", include_reference_token: true });
    assert.equal(data.reference_token!.toString(), issued.referenceToken);
    assert.equal(Buffer.from(data.auth!.toString(), "base64").toString(), `${issued.sub}:${issued.referenceToken}`);
  });

  test("a wrong bootstrap token names spec.auth.referenceToken.token; a bad scope names spec.auth.referenceToken", async () => {
    const wrong = refSpec({ token: { name: "jfrog-wrong", key: "token" } });
    assert.match(await failure(wrong), /^spec\.auth\.referenceToken\.token: .*refused \(HTTP 401\)$/);
    assert.equal(jf.lastRefusal, "token");
    assert.match(await failure(refSpec({ scope: "everything" })), /^spec\.auth\.referenceToken: .*HTTP 400/);
  });

  test("expiresIn 0 stays out of the body; a non-expiring answer (no expires_in, no exp) fails", async () => {
    jf.defaultExpiresIn = 0;
    try {
      assert.match(await failure(refSpec({ expiresIn: 0 })), /no numeric exp claim/);
    } finally {
      jf.defaultExpiresIn = 3600;
    }
    assert.deepEqual(jf.requests[0]!.body, { scope: "applied-permissions/user" });
  });

  test("tenancy: another namespace's Secret is refused before any request", async () => {
    const msg = await failure(refSpec({ token: { name: "jfrog-bootstrap", namespace: "team-b", key: "token" } }));
    assert.match(msg, /^spec\.auth\.referenceToken\.token\.namespace: /);
    assert.equal(jf.requests.length, 0);
  });

  test("a missing Secret names the field", async () => {
    assert.match(
      await failure(refSpec({ token: { name: "absent", key: "token" } })),
      /^spec\.auth\.referenceToken\.token/,
    );
  });
});

describe("ArtifactoryAccessToken: failures and registration", () => {
  test("throttling and server errors name the status and spec.url", async () => {
    jf.faults.push(429);
    assert.match(await failure(refSpec()), /^spec\.url: .*unexpected HTTP 429$/);
    jf.faults.push(503);
    assert.match(await failure(oidcSpec()), /^spec\.url: .*unexpected HTTP 503$/);
    jf.faults.push(403);
    assert.match(await failure(refSpec()), /^spec\.auth\.referenceToken\.token: .*HTTP 403/);
  });

  test("an unreachable or invalid URL names spec.url", async () => {
    assert.match(await failure(refSpec({}, { url: "http://127.0.0.1:1" })), /^spec\.url: artifactory: POST .* failed/);
    assert.match(await failure(refSpec({}, { url: "ftp://acme" })), /^spec\.url: /);
    assert.match(await failure(refSpec({}, { url: "" })), /^spec\.url: is required/);
  });

  test("auth must name one method; required fields are checked before any request", async () => {
    assert.match(await failure({ url: jf.url, auth: {} }), /^spec\.auth: either oidc or referenceToken/);
    assert.match(await failure(oidcSpec({ providerName: "" })), /^spec\.auth\.oidc\.providerName: is required/);
    assert.match(await failure(refSpec({ scope: "" })), /^spec\.auth\.referenceToken\.scope: is required/);
    assert.equal(kube.issued.length, 0);
    assert.equal(jf.requests.length, 0);
  });

  test("is a built-in kind with upstream's ClusterGenerator key", () => {
    const builtin = builtinGenerators.find((g) => g.kind === "ArtifactoryAccessToken");
    assert.ok(builtin);
    assert.equal(builtin.clusterSpecKey, "artifactoryAccessTokenSpec");
  });
});
