/**
 * GitlabDeployToken against the loopback GitLab fake: project and group deploy tokens (IDs and escaped paths),
 * scopes, username, absolute and relative expiry, the username/token values, the state cleanup needs and the
 * revocation it performs (idempotent, aimed where the token was made), upstream's spec rules, and failures that
 * name the call and status without repeating the access token or the deploy token.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { GitlabDeployTokenSpec } from "../../src/api/generators/gitlab.js";
import { gitlabDeployTokenIssues } from "../../src/api/generators/gitlab.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import {
  deployTokensUrl,
  gitlabDeployTokenGenerator,
  newGitlabDeployTokenGenerator,
} from "../../src/generators/gitlab/index.js";
import { type GitlabFake, startGitlabFake } from "../fakes/gitlab-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ACCESS_TOKEN = "glpat-maintainer-secret";
const kube = new MemoryKubeAccess()
  .setSecret("team-a", "gitlab-api", { token: `${ACCESS_TOKEN}\n` })
  .setSecret("team-a", "gitlab-wrong", { token: "glpat-not-a-valid-one" })
  .setSecret("team-b", "gitlab-api", { token: ACCESS_TOKEN });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const gen = gitlabDeployTokenGenerator;

let gl: GitlabFake;

const spec = (over: Partial<GitlabDeployTokenSpec> = {}): GitlabDeployTokenSpec => ({
  url: gl.url,
  projectID: "42",
  name: "registry-pull",
  scopes: ["read_registry"],
  auth: { token: { secretRef: { name: "gitlab-api", key: "token" } } },
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

function assertClean(message: string) {
  assert.ok(!message.includes(ACCESS_TOKEN), "no access token");
  assert.doesNotMatch(message, /gldt-/, "no deploy token");
}

before(async () => {
  gl = await startGitlabFake(ACCESS_TOKEN);
  gl.projects.set("42", { variables: [], groups: [] });
  gl.projects.set("team/app", { variables: [], groups: [] });
  gl.groups.set("parent/platform", []);
  gl.groups.set("7", []);
});

after(() => gl.close());

afterEach(() => {
  gl.faults.length = 0;
  gl.requests.length = 0;
});

describe("GitlabDeployToken: generate", () => {
  test("creates a project deploy token: username and token, and the state cleanup needs", async () => {
    const out = await gen.generate(spec({ scopes: ["read_repository", "read_registry"] }), ctx);
    const made = gl.deployTokens.at(-1)!;
    assert.deepEqual(Object.keys(out.data).sort(), ["token", "username"]);
    assert.equal(out.data.token?.toString(), made.token);
    assert.equal(out.data.username?.toString(), `gitlab+deploy-token-${made.id}`);
    assert.equal(made.owner, "projects/42");
    assert.equal(made.name, "registry-pull");
    assert.deepEqual(made.scopes, ["read_repository", "read_registry"]);
    assert.equal(made.expires_at, null, "no expiry unless asked");
    assert.deepEqual(out.state, { url: gl.url, projectID: "42", tokenID: made.id });
    assert.equal(gl.requests.at(-1), "POST /api/v4/projects/42/deploy_tokens");
  });

  test("a group given by path is escaped; username is passed through", async () => {
    const out = await gen.generate(
      spec({
        projectID: undefined,
        groupID: "parent/platform",
        username: "ci-puller",
        scopes: ["read_package_registry"],
      }),
      ctx,
    );
    assert.equal(gl.requests.at(-1), "POST /api/v4/groups/parent%2Fplatform/deploy_tokens");
    assert.equal(gl.deployTokens.at(-1)?.owner, "groups/parent/platform");
    assert.equal(out.data.username?.toString(), "ci-puller");
    assert.equal((out.state as { groupID?: string }).groupID, "parent/platform");
  });

  test("expiresAt is sent as UTC RFC 3339", async () => {
    await gen.generate(spec({ expiresAt: "2031-05-04T12:30:00+02:00" }), ctx);
    assert.equal(gl.deployTokens.at(-1)?.expires_at, "2031-05-04T10:30:00.000Z");
  });

  test("expiresAfter is counted from now at each generation", async () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    const pinned = newGitlabDeployTokenGenerator({ now: () => now });
    await pinned.generate(spec({ expiresAfter: "720h" }), ctx);
    assert.equal(gl.deployTokens.at(-1)?.expires_at, "2030-01-31T00:00:00.000Z");
    const later = newGitlabDeployTokenGenerator({ now: () => now + 86_400_000 });
    await later.generate(spec({ expiresAfter: "720h" }), ctx);
    assert.equal(gl.deployTokens.at(-1)?.expires_at, "2030-02-01T00:00:00.000Z");
  });

  test("upstream's spec rules are enforced before any call", async () => {
    const cases: [Partial<GitlabDeployTokenSpec>, RegExp][] = [
      [{ projectID: "42", groupID: "7" }, /^spec: exactly one of projectID or groupID must be set$/],
      [{ projectID: undefined }, /^spec: exactly one of projectID or groupID must be set$/],
      [{ expiresAt: "2031-01-01T00:00:00Z", expiresAfter: "48h" }, /expiresAt and expiresAfter are mutually exclusive/],
      [{ expiresAfter: "23h59m" }, /^spec\.expiresAfter: expiresAfter must be at least 24h$/],
      [{ expiresAfter: "a week" }, /^spec\.expiresAfter: invalid duration/],
      [{ scopes: [] }, /^spec\.scopes: at least one scope is required$/],
      [{ name: "" }, /^spec\.name: is required$/],
    ];
    for (const [over, re] of cases) {
      const err = await failure(() => gen.generate(spec(over), ctx));
      assert.match(err.message, re, JSON.stringify(over));
    }
    assert.equal(gl.requests.length, 0, "nothing was sent");
    assert.deepEqual(
      gitlabDeployTokenIssues({ groupID: "7", expiresAfter: "1h" }, "spec.generator.gitlabDeployTokenSpec"),
      [{ path: "spec.generator.gitlabDeployTokenSpec.expiresAfter", message: "expiresAfter must be at least 24h" }],
    );
  });

  test("GitLab's refusal of a scope is passed on with the call and status", async () => {
    const err = await failure(() =>
      gen.generate(spec({ projectID: undefined, groupID: "7", scopes: ["read_virtual_registry"] }), ctx),
    );
    assert.equal(err.message, "gitlab: create deploy token in group 7: HTTP 400: scopes does not have a valid value");
  });

  test("a wrong access token is a 401 naming the call, never the token", async () => {
    const err = await failure(() =>
      gen.generate(spec({ auth: { token: { secretRef: { name: "gitlab-wrong", key: "token" } } } }), ctx),
    );
    assert.match(err.message, /^gitlab: create deploy token in project 42: HTTP 401/);
    assert.doesNotMatch(err.message, /glpat-not-a-valid-one/);
  });

  test("an unknown project is a 404; 403, 429 and 5xx name the status", async () => {
    let err = await failure(() => gen.generate(spec({ projectID: "404404" }), ctx));
    assert.match(err.message, /project 404404: HTTP 404: 404 Project Not Found/);
    for (const status of [403, 429, 502]) {
      gl.faults.push(status);
      err = await failure(() => gen.generate(spec(), ctx));
      assert.match(err.message, new RegExp(`^gitlab: create deploy token in project 42: HTTP ${status}`));
      assertClean(err.message);
    }
  });

  test("an error text quoting the access token has it cut out", async () => {
    gl.faults.push({ status: 500, body: { message: `token ${ACCESS_TOKEN} is broken` } });
    const err = await failure(() => gen.generate(spec(), ctx));
    assert.match(err.message, /HTTP 500: token \[redacted\] is broken/);
    assertClean(err.message);
  });

  test("a 201 without a token is an error", async () => {
    gl.faults.push({ status: 201, body: { id: 9, username: "x" } });
    const err = await failure(() => gen.generate(spec(), ctx));
    assert.match(err.message, /deploy token missing from the response/);
  });

  test("tenancy: the access token is read only from the generator's namespace", async () => {
    let err = await failure(() =>
      gen.generate(
        spec({ auth: { token: { secretRef: { name: "gitlab-api", namespace: "team-b", key: "token" } } } }),
        ctx,
      ),
    );
    assert.match(err.message, /^spec\.auth\.token\.secretRef\.namespace: .*may not reference another namespace/);
    err = await failure(() =>
      gen.generate(spec({ auth: { token: { secretRef: { name: "absent", key: "token" } } } }), ctx),
    );
    assert.match(err.message, /^spec\.auth\.token\.secretRef: Secret team-a\/absent not found/);
    assert.equal(gl.requests.length, 0);
  });

  test("the deploy-tokens URL: gitlab.com by default, trailing slashes dropped", () => {
    assert.equal(deployTokensUrl({ projectID: "10" }), "https://gitlab.com/api/v4/projects/10/deploy_tokens");
    assert.equal(
      deployTokensUrl({ url: "https://git.example.com/", groupID: "a/b" }),
      "https://git.example.com/api/v4/groups/a%2Fb/deploy_tokens",
    );
  });
});

describe("GitlabDeployToken: cleanup", () => {
  test("revokes the token it made; a second cleanup (already gone) is success", async () => {
    const out = await gen.generate(spec(), ctx);
    const made = gl.deployTokens.at(-1)!;
    await gen.cleanup!(spec(), out.state!, ctx);
    assert.equal(made.revoked, true);
    assert.equal(gl.requests.at(-1), `DELETE /api/v4/projects/42/deploy_tokens/${made.id}`);
    await gen.cleanup!(spec(), out.state!, ctx);
  });

  test("targets where the token was made, even after the spec moved to another project", async () => {
    const out = await gen.generate(spec({ projectID: "team/app" }), ctx);
    const made = gl.deployTokens.at(-1)!;
    await gen.cleanup!(spec({ projectID: "42" }), out.state!, ctx);
    assert.equal(made.revoked, true);
    assert.equal(gl.requests.at(-1), `DELETE /api/v4/projects/team%2Fapp/deploy_tokens/${made.id}`);
  });

  test("a state without a token ID needs nothing", async () => {
    await gen.cleanup!(spec(), {}, ctx);
    await gen.cleanup!(spec(), { tokenID: 0 }, ctx);
    assert.equal(gl.requests.length, 0);
  });

  test("a failed revocation is an error naming the call and status, so it is retried", async () => {
    const out = await gen.generate(spec(), ctx);
    const made = gl.deployTokens.at(-1)!;
    gl.faults.push(503);
    const err = await failure(() => gen.cleanup!(spec(), out.state!, ctx));
    assert.equal(err.message, `gitlab: revoke deploy token ${made.id} of project 42: HTTP 503: 503 injected`);
    assert.equal(made.revoked, false);
    await gen.cleanup!(spec(), out.state!, ctx);
    assert.equal(made.revoked, true);
  });
});
