/**
 * Grafana against the loopback Grafana fake: find-or-create of the service account (exact name, role in the
 * body), a new token per generation under the documented keys (login, token), the state cleanup needs and
 * cleanup deleting exactly that token (idempotently), token and basic auth, a path prefix, failures naming the
 * field and status without repeating a credential, and tenancy (Secrets from the generator's namespace only).
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { builtinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { grafanaGenerator as gen } from "../../src/generators/grafana/index.js";
import { FakeGrafana } from "../fakes/grafana-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ADMIN_TOKEN = "glsa_admin_token_value";
const VIEWER_TOKEN = "glsa_viewer_token_value";
const PASSWORD = "grafana-admin-password";
let grafana: FakeGrafana;
let kube: MemoryKubeAccess;
let ctx: GeneratorContext;

const tokenAuth = { token: { name: "grafana-admin", key: "token" } };
const basicAuth = { basic: { username: "admin", password: { name: "grafana-admin", key: "password" } } };
const spec = (extra: Record<string, unknown> = {}) => ({
  url: grafana.url,
  auth: tokenAuth,
  serviceAccount: { name: "eso-ci", role: "Editor" },
  ...extra,
});

before(async () => {
  grafana = await new FakeGrafana("/grafana").start();
  grafana.adminToken(ADMIN_TOKEN).viewerToken(VIEWER_TOKEN).admin("admin", PASSWORD);
});

after(async () => {
  await grafana.stop();
});

beforeEach(() => {
  grafana.accounts.clear();
  kube = new MemoryKubeAccess()
    .setSecret("team-a", "grafana-admin", { token: ADMIN_TOKEN, password: PASSWORD, viewer: VIEWER_TOKEN, bad: "x" })
    .setSecret("team-b", "grafana-admin", { token: ADMIN_TOKEN });
  ctx = { kube, namespace: "team-a" };
});

afterEach(() => {
  grafana.faults.length = 0;
  grafana.requests.length = 0;
});

async function failure(s: Record<string, unknown>, c: GeneratorContext = ctx): Promise<string> {
  const err = (await gen.generate(s as never, c).then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  )) as Error;
  assert.equal(err.name, "GeneratorError");
  for (const secret of [ADMIN_TOKEN, VIEWER_TOKEN, PASSWORD, "glsa_"]) assert.ok(!err.message.includes(secret));
  return err.message;
}

describe("Grafana", () => {
  test("creates the service account when absent and a token for it: login, token and state as upstream", async () => {
    const { data, state } = await gen.generate(spec(), ctx);
    const sa = [...grafana.accounts.values()].find((a) => a.name === "eso-ci")!;
    assert.equal(sa.role, "Editor");
    assert.deepEqual(Object.keys(data).sort(), ["login", "token"]);
    assert.equal(data.login!.toString(), sa.login);
    assert.equal(grafana.tokenOwner(data.token!.toString()), sa, "the token is live and belongs to the account");
    const tokenID = [...sa.tokens.keys()][0];
    assert.deepEqual(state, { serviceAccount: { id: sa.id, login: sa.login, tokenID } });
    assert.deepEqual(
      grafana.requests.map((r) => `${r.method} ${r.path}${r.query}`),
      [
        "GET /grafana/api/serviceaccounts/search?query=eso-ci",
        "POST /grafana/api/serviceaccounts",
        `POST /grafana/api/serviceaccounts/${sa.id}/tokens`,
      ],
    );
    assert.deepEqual(grafana.requests[1]!.body, { name: "eso-ci", role: "Editor" });
    assert.match(String(grafana.requests[2]!.body?.name), /^[0-9a-f-]{36}$/, "a fresh token name");
    assert.ok(grafana.requests.every((r) => r.auth === "bearer"));
  });

  test("reuses the account with exactly that name (search matches substrings) and adds a token each time", async () => {
    grafana.addAccount("eso-ci-old");
    const existing = grafana.addAccount("eso-ci", "Viewer");
    const first = await gen.generate(spec(), ctx);
    const second = await gen.generate(spec(), ctx);
    assert.ok(!grafana.requests.some((r) => r.method === "POST" && r.path.endsWith("/serviceaccounts")));
    assert.equal(first.data.login!.toString(), existing.login);
    assert.notEqual(first.data.token!.toString(), second.data.token!.toString());
    assert.equal(existing.tokens.size, 2);
    assert.equal(existing.role, "Viewer", "an existing account's role is left alone");
  });

  test("cleanup deletes exactly the recorded token, and is idempotent", async () => {
    const keep = await gen.generate(spec(), ctx);
    const drop = await gen.generate(spec(), ctx);
    await gen.cleanup!(spec(), drop.state!, ctx);
    assert.equal(grafana.tokenOwner(drop.data.token!.toString()), undefined, "the dropped token no longer works");
    assert.ok(grafana.tokenOwner(keep.data.token!.toString()), "the other token still works");
    await gen.cleanup!(spec(), drop.state!, ctx);
    const s = drop.state as { serviceAccount: { id: number; tokenID: number } };
    assert.deepEqual(grafana.deletedTokens, [`${s.serviceAccount.id}/${s.serviceAccount.tokenID}`]);
    await gen.cleanup!(spec(), {}, ctx);
  });

  test("basic auth, and a token taking precedence over basic when both are set", async () => {
    await gen.generate(spec({ auth: basicAuth }), ctx);
    assert.ok(grafana.requests.every((r) => r.auth === "basic"));
    grafana.requests.length = 0;
    await gen.generate(spec({ auth: { ...tokenAuth, ...basicAuth } }), ctx);
    assert.ok(grafana.requests.every((r) => r.auth === "bearer"));
  });

  test("refusals name spec.auth and the status, never the credential", async () => {
    const viewer = spec({ auth: { token: { name: "grafana-admin", key: "viewer" } } });
    assert.match(await failure(viewer), /^spec\.auth: grafana: search service accounts was refused \(HTTP 403\)/);
    const wrong = spec({ auth: { basic: { username: "admin", password: { name: "grafana-admin", key: "bad" } } } });
    assert.match(await failure(wrong), /^spec\.auth: grafana: search service accounts was refused \(HTTP 401\)/);
  });

  test("a rejected role names spec.serviceAccount; a failed token call names the call and status", async () => {
    assert.match(
      await failure(spec({ serviceAccount: { name: "eso-bad", role: "Superuser" } })),
      /^spec\.serviceAccount: grafana: create service account was rejected \(HTTP 400\)/,
    );
    // The search answers with an account, then the token call fails.
    grafana.faults.push(
      { status: 200, body: { serviceAccounts: [{ id: 9, name: "eso-ci", login: "sa-1-eso-ci" }] } },
      500,
    );
    assert.match(await failure(spec()), /^grafana: create service account token: unexpected HTTP 500$/);
  });

  test("missing or unusable auth names the field", async () => {
    assert.match(await failure(spec({ auth: {} })), /^spec\.auth: set token or basic/);
    assert.match(
      await failure(spec({ auth: { token: { name: "grafana-admin", key: "nope" } } })),
      /^spec\.auth\.token: key "nope" not found in Secret team-a\/grafana-admin/,
    );
    assert.match(
      await failure(spec({ auth: { token: { name: "grafana-admin" } } })),
      /^spec\.auth\.token\.key: is required/,
    );
    assert.match(await failure(spec({ url: "ftp://grafana" })), /^spec\.url: scheme must be https or http/);
    assert.equal(grafana.requests.length, 0);
  });

  test("tenancy: the auth Secret is read in the generator's namespace only", async () => {
    kube.setSecret("team-c", "other-admin", { token: ADMIN_TOKEN });
    const msg = await failure(spec({ auth: { token: { name: "other-admin", key: "token" } } }));
    assert.match(msg, /^spec\.auth\.token: Secret team-a\/other-admin not found/);
    assert.equal(grafana.requests.length, 0);
  });

  test("an unreachable Grafana names spec.url", async () => {
    assert.match(
      await failure(spec({ url: "http://127.0.0.1:1" })),
      /^spec\.url: grafana: search service accounts failed/,
    );
  });

  test("is a built-in kind with upstream's ClusterGenerator key and a cleanup", () => {
    assert.ok(builtinGenerators.includes(gen));
    assert.equal(gen.clusterSpecKey, "grafanaSpec");
    assert.equal(typeof gen.cleanup, "function");
  });
});
