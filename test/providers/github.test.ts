/**
 * The github provider against the loopback GitHub fake: App JWT -> installation token, Actions secrets of an
 * organization, a repository and an environment, sealed with libsodium and opened by the fake.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, afterEach, before, describe, test } from "node:test";
import type { GithubProvider } from "../../src/api/providers/github.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { apiBase } from "../../src/providers/github/endpoints.js";
import { githubProvider } from "../../src/providers/github/index.js";
import type { ProviderContext, PushSource, SecretsClient } from "../../src/providers/provider.js";
import { FakeGithub } from "../fakes/github-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const pem = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const app = pem();
const stranger = pem();

const ORG = "/orgs/acme/actions/secrets";
const REPO = "/repos/acme/api/actions/secrets";
const ENV = "/repos/acme/api/environments/prod/secrets";

let gh: FakeGithub;
let kube: MemoryKubeAccess;

const source: PushSource = {
  name: "app",
  namespace: "team-a",
  data: { password: Buffer.from("s3cr3t-value-1"), user: Buffer.from("admin-user") },
};

function spec(over: Partial<GithubProvider> = {}): GithubProvider {
  return {
    url: gh.url,
    auth: { privateKey: { name: "gh-app", key: "key" } },
    appID: 123456,
    installationID: 777,
    organization: "acme",
    ...over,
  };
}

function ctx(over: Partial<ProviderContext> = {}): ProviderContext {
  return { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "gh", namespace: "team-a", ...over };
}

async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

/** No key material, JWT, installation token or pushed value in a message. */
function assertClean(message: string) {
  assert.doesNotMatch(message, /BEGIN|PRIVATE KEY|MII/);
  assert.doesNotMatch(message, /eyJ/, "no JWT");
  assert.doesNotMatch(message, /ghs_/, "no installation token");
  assert.doesNotMatch(message, /s3cr3t|admin-user/, "no pushed value");
}

before(async () => {
  gh = await new FakeGithub().start();
  gh.addApp("123456", app.publicKey);
  gh.addInstallation("777", { appID: "123456", repositories: ["api"], permissions: { secrets: "write" } });
  kube = new MemoryKubeAccess()
    .setSecret("team-a", "gh-app", { key: app.privateKey })
    .setSecret("team-a", "gh-stranger", { key: stranger.privateKey })
    .setSecret("team-a", "gh-garbage", { key: "not a key" })
    .setSecret("team-b", "gh-app", { key: app.privateKey });
});

after(() => gh.stop());

afterEach(() => {
  gh.faults.length = 0;
  gh.actionsCalls.length = 0;
  gh.requests.length = 0;
  gh.secrets.clear();
  gh.rateLimitNext = false;
});

describe("github provider: spec validation", () => {
  test("a complete spec is valid; write-only", () => {
    assert.deepEqual(githubProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.equal(githubProvider.capabilities(spec()), "WriteOnly");
  });

  test("each bad field is named", () => {
    const v = githubProvider.validate(
      {
        url: "not a url",
        auth: { privateKey: { name: "", namespace: "other" } },
        appID: 0,
        installationID: -1,
        organization: "",
        environment: "prod",
      } as GithubProvider,
      "SecretStore",
    );
    for (const field of [
      "auth.privateKey.name",
      "auth.privateKey.key",
      "auth.privateKey.namespace",
      "appID",
      "installationID",
      "organization",
      "environment: requires repository",
      "url",
    ]) {
      assert.ok(
        v.errors.some((e) => e.startsWith("spec.provider.github.") && e.includes(field)),
        `${field}: ${v.errors.join("; ")}`,
      );
    }
  });

  test("a ClusterSecretStore without the key's namespace is warned about", () => {
    const v = githubProvider.validate(spec(), "ClusterSecretStore");
    assert.deepEqual(v.errors, []);
    assert.match(v.warnings[0] ?? "", /auth\.privateKey\.namespace/);
  });

  test("the API base: github.com's API host, or /api/v3 of an Enterprise Server", () => {
    assert.equal(apiBase(undefined), "https://api.github.com");
    assert.equal(apiBase("https://github.com/"), "https://api.github.com");
    assert.equal(apiBase("https://ghe.example.com/"), "https://ghe.example.com/api/v3");
    assert.equal(apiBase("https://ghe.example.com/api/v3/"), "https://ghe.example.com/api/v3");
  });
});

describe("github provider: store readiness", () => {
  test("ready when the installation can list the scope's secrets", async () => {
    const c = await githubProvider.newClient(spec(), ctx());
    assert.deepEqual(await c.validate(), { ready: true });
    assert.equal(gh.requests.at(-1)?.claims?.iss, "123456", "the App JWT names the App");
    assert.ok(gh.actionsCalls.some((x) => x.method === "GET" && x.path === ORG));
  });

  test("not ready with a key GitHub does not know; the message names the cause, not the key", async () => {
    const c = await githubProvider.newClient(
      spec({ auth: { privateKey: { name: "gh-stranger", key: "key" } } }),
      ctx(),
    );
    const r = await c.validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /organization acme.*HTTP 401/);
    assertClean(r.message ?? "");
  });

  test("not ready with an installation of another App", async () => {
    const c = await githubProvider.newClient(spec({ installationID: 999 }), ctx());
    const r = await c.validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /installations\/999.*HTTP 404/);
  });

  test("a key that is not PEM is a configuration error naming the field", async () => {
    const c = await githubProvider.newClient(spec({ auth: { privateKey: { name: "gh-garbage", key: "key" } } }), ctx());
    const err = await failure(() => c.pushSecret(source, { secretKey: "password", remoteRef: { remoteKey: "X" } }));
    assert.ok(err instanceof StoreConfigError, err.message);
    assert.match(err.message, /spec\.provider\.github\.auth\.privateKey: is not a PEM-encoded private key/);
  });
});

describe("github provider: push, exists, delete", () => {
  test("pushes one key sealed to the organization's public key; the fake opens it", async () => {
    const c = await githubProvider.newClient(spec(), ctx());
    await c.pushSecret(source, { secretKey: "password", remoteRef: { remoteKey: "db_password" } });
    const stored = gh.secret(ORG, "DB_PASSWORD");
    assert.equal(stored?.value.toString(), "s3cr3t-value-1");
    assert.equal(stored?.visibility, "all", "new organization secrets are visible to all repositories");
    const put = gh.actionsCalls.find((x) => x.method === "PUT");
    assert.ok(put?.body.encrypted_value && !String(put.body.encrypted_value).includes("s3cr3t"));
  });

  test("without secretKey the whole Secret is pushed as JSON, values base64 as upstream", async () => {
    const c = await githubProvider.newClient(spec(), ctx());
    await c.pushSecret(source, { remoteRef: { remoteKey: "ALL" } });
    assert.deepEqual(JSON.parse(gh.secret(ORG, "ALL")!.value.toString()), {
      password: Buffer.from("s3cr3t-value-1").toString("base64"),
      user: Buffer.from("admin-user").toString("base64"),
    });
  });

  test("orgSecretVisibility is forced; unset, an existing secret keeps its visibility and selected repositories", async () => {
    gh.maxPageSize = 2;
    const c = await githubProvider.newClient(spec({ orgSecretVisibility: "private" }), ctx());
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "P" } });
    assert.equal(gh.secret(ORG, "P")?.visibility, "private");

    gh.secrets.get(ORG)!.set("SEL", {
      name: "SEL",
      value: Buffer.from("old"),
      visibility: "selected",
      selectedRepositoryIDs: [11, 12, 13],
      updatedAt: "2024-01-01T00:00:00Z",
    });
    const keep = await githubProvider.newClient(spec(), ctx());
    await keep.pushSecret(source, { secretKey: "password", remoteRef: { remoteKey: "sel" } });
    const sel = gh.secret(ORG, "SEL")!;
    assert.equal(sel.value.toString(), "s3cr3t-value-1");
    assert.equal(sel.visibility, "selected");
    assert.deepEqual(sel.selectedRepositoryIDs, [11, 12, 13], "every page of repositories is sent back");
    gh.maxPageSize = 100;
  });

  test("repository and environment secrets", async () => {
    const repo = await githubProvider.newClient(spec({ repository: "api" }), ctx());
    await repo.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "R" } });
    assert.equal(gh.secret(REPO, "R")?.value.toString(), "admin-user");
    assert.equal(gh.secret(REPO, "R")?.visibility, undefined);
    const env = await githubProvider.newClient(spec({ repository: "api", environment: "prod" }), ctx());
    await env.pushSecret(source, { secretKey: "password", remoteRef: { remoteKey: "E" } });
    assert.equal(gh.secret(ENV, "E")?.value.toString(), "s3cr3t-value-1");
    assert.equal(await env.secretExists({ remoteKey: "E" }), true);
    assert.equal(await env.secretExists({ remoteKey: "R" }), false, "the repository's secret is not the environment's");
  });

  test("secretExists and deleteSecret by name; deleting a missing secret is not an error", async () => {
    const c = await githubProvider.newClient(spec(), ctx());
    assert.equal(await c.secretExists({ remoteKey: "GONE" }), false);
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "GONE" } });
    assert.equal(await c.secretExists({ remoteKey: "GONE" }), true);
    await c.deleteSecret({ remoteKey: "GONE" });
    assert.equal(gh.secret(ORG, "GONE"), undefined);
    await c.deleteSecret({ remoteKey: "GONE" });
  });

  test("a key missing from the source Secret is a configuration error", async () => {
    const c = await githubProvider.newClient(spec(), ctx());
    const err = await failure(() => c.pushSecret(source, { secretKey: "nope", remoteRef: { remoteKey: "X" } }));
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /key "nope" not found in Secret team-a\/app/);
  });

  test("reads are refused: write-only, as upstream", async () => {
    const c = await githubProvider.newClient(spec(), ctx());
    for (const fn of [() => c.getSecret({ key: "A" }), () => c.getSecretMap({ key: "A" }), () => c.getAllSecrets({})]) {
      const err = await failure(fn);
      assert.ok(err instanceof NotSupportedError);
      assert.match(err.message, /write-only operations/);
    }
  });

  test("the installation token is minted once and reused by later clients of the same App and key", async () => {
    const caches = new ClientCaches();
    const before = gh.issued.length;
    const a = await githubProvider.newClient(spec(), ctx({ caches }));
    await a.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "A" } });
    const b = await githubProvider.newClient(spec(), ctx({ caches }));
    await b.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "B" } });
    assert.equal(gh.issued.length - before, 1);
  });
});

describe("github provider: failures", () => {
  async function primed(): Promise<SecretsClient> {
    const c = await githubProvider.newClient(spec(), ctx());
    await c.secretExists({ remoteKey: "WARM" });
    return c;
  }
  const push = (c: SecretsClient) => c.pushSecret(source, { secretKey: "password", remoteRef: { remoteKey: "FAIL" } });

  test("401 and 403 are auth errors; 429 and an exhausted rate limit are throttling; 5xx is an error", async () => {
    let c = await primed();
    gh.faults.push(401);
    let err = await failure(() => push(c));
    assert.ok(err instanceof ProviderAuthError, err.message);
    assertClean(err.message);

    c = await primed();
    gh.faults.push(403);
    err = await failure(() => push(c));
    assert.ok(err instanceof ProviderAuthError, err.message);

    c = await primed();
    gh.faults.push(429);
    err = await failure(() => push(c));
    assert.ok(err instanceof ProviderThrottledError, err.message);

    c = await primed();
    gh.rateLimitNext = true;
    err = await failure(() => push(c));
    assert.ok(err instanceof ProviderThrottledError, err.message);

    c = await primed();
    gh.faults.push(502);
    err = await failure(() => push(c));
    assert.match(err.message, /github: get secret "FAIL": HTTP 502/);
    assertClean(err.message);
    assert.equal(gh.secret(ORG, "FAIL"), undefined, "nothing written after a failure");
  });

  test("the public key is read at every push: after GitHub rotates it, values are sealed to the new one", async () => {
    const c = await primed();
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "ROT" } });
    gh.rotateKey(ORG);
    await c.pushSecret(source, { secretKey: "password", remoteRef: { remoteKey: "ROT" } });
    assert.equal(gh.secret(ORG, "ROT")?.value.toString(), "s3cr3t-value-1");
  });
});

describe("github provider: tenancy", () => {
  test("a SecretStore may not read the App key from another namespace", async () => {
    const err = await failure(() =>
      githubProvider.newClient(
        spec({ auth: { privateKey: { name: "gh-app", key: "key", namespace: "team-b" } } }),
        ctx(),
      ),
    );
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /auth\.privateKey\.namespace: a SecretStore may not reference another namespace/);
  });

  test("a ClusterSecretStore reads the key where it says", async () => {
    const c = await githubProvider.newClient(
      spec({ auth: { privateKey: { name: "gh-app", key: "key", namespace: "team-b" } } }),
      ctx({ storeKind: "ClusterSecretStore", namespace: "team-c" }),
    );
    assert.deepEqual(await c.validate(), { ready: true });
  });
});
