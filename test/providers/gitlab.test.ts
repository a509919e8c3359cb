import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
} from "../../src/providers/errors.js";
import { gitlabProvider } from "../../src/providers/gitlab/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type GitlabFake, startGitlabFake } from "../fakes/gitlab-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("gitlab provider", () => {
  let fake: GitlabFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startGitlabFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.projects.clear();
    fake.groups.clear();
    fake.projects.set("42", {
      groups: ["7", "8"],
      variables: [
        { key: "DB_PASSWORD", value: "prod-pw", environment_scope: "production" },
        { key: "DB_PASSWORD", value: "any-pw", environment_scope: "*" },
        { key: "CONFIG", value: '{"host":"db","port":5432}' },
        { key: "ONLY_STAGING", value: "stg", environment_scope: "staging" },
        ...Array.from({ length: 120 }, (_, i) => ({ key: `BULK_${i}`, value: String(i) })),
      ],
    });
    fake.groups.set("7", [
      { key: "GROUP_TOKEN", value: "from-7" },
      { key: "SHARED", value: "g7" },
    ]);
    fake.groups.set("8", [{ key: "SHARED", value: "g8" }]);
    kube = new MemoryKubeAccess().setSecret("ns", "gl", { token: fake.token });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "gitlab", namespace: "ns" };
  });

  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    gitlabProvider.newClient(
      {
        url: fake.url,
        auth: { SecretRef: { accessToken: { name: "gl", key: "token" } } },
        projectID: "42",
        ...extra,
      } as any,
      ctx,
    );

  test("project variable with environment scope, falling back to the wildcard scope", async () => {
    const prod = await client({ environment: "production" });
    assert.equal((await prod.getSecret({ key: "DB_PASSWORD" })).toString(), "prod-pw");
    const dev = await client({ environment: "dev" });
    assert.equal((await dev.getSecret({ key: "DB_PASSWORD" })).toString(), "any-pw");
    assert.equal((await dev.getSecret({ key: "CONFIG", property: "port" })).toString(), "5432");
    assert.deepEqual(str(await dev.getSecretMap({ key: "CONFIG" })), { host: "db", port: "5432" });
    assert.equal((await dev.getSecret({ key: "DB-PASSWORD" })).toString(), "any-pw");
    assert.deepEqual(await dev.validate(), { ready: true });
  });

  test("group variables: explicit groupIDs and inheritance from the project's groups", async () => {
    const explicit = await client({ groupIDs: ["7", "8"] });
    assert.equal((await explicit.getSecret({ key: "GROUP_TOKEN" })).toString(), "from-7");
    assert.equal((await explicit.getSecret({ key: "SHARED" })).toString(), "g8");
    const inherit = await client({ inheritFromGroups: true });
    assert.equal((await inherit.getSecret({ key: "GROUP_TOKEN" })).toString(), "from-7");
    assert.ok(fake.requests.some((r) => r.startsWith("GET /api/v4/projects/42/groups")));
  });

  test("find by name regexp across groups and pages; environment_scope tag", async () => {
    const c = await client({ groupIDs: ["7"], environment: "production" });
    const all = await c.getAllSecrets({ name: { regexp: "^(DB_|GROUP|BULK_11[0-9])" } });
    assert.equal(all.DB_PASSWORD!.toString(), "prod-pw");
    assert.equal(all.GROUP_TOKEN!.toString(), "from-7");
    assert.equal(Object.keys(all).filter((k) => k.startsWith("BULK_")).length, 10);
    const staging = await c.getAllSecrets({ name: { regexp: "ONLY" }, tags: { environment_scope: "staging" } });
    assert.deepEqual(str(staging), { ONLY_STAGING: "stg" });
  });

  test("not found, read-only operations", async () => {
    const c = await client({ groupIDs: ["7"] });
    await assert.rejects(
      c.getSecret({ key: "NOPE" }),
      (e: Error) => e instanceof NoSecretError && /NOPE/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "CONFIG", property: "missing" }), NoSecretError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "X" } }),
      NotSupportedError,
    );
    assert.equal(gitlabProvider.capabilities({} as any), "ReadOnly");
  });

  test("auth failure, throttling and server errors", async () => {
    kube.setSecret("ns", "gl", { token: "bad" });
    const bad = await client();
    await assert.rejects(bad.getSecret({ key: "CONFIG" }), ProviderAuthError);
    assert.equal((await bad.validate()).ready, false);
    kube.setSecret("ns", "gl", { token: fake.token });
    const c = await client();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "CONFIG" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "CONFIG" }), (e: Error) => /HTTP 500/.test(e.message));
  });

  test("spec validation", () => {
    const errs = gitlabProvider.validate(
      {
        auth: { SecretRef: { accessToken: { name: "gl", key: "t" } } },
        inheritFromGroups: true,
        groupIDs: ["1"],
      } as any,
      "SecretStore",
    ).errors;
    assert.ok(errs.some((e) => e.includes("inheritFromGroups")));
    assert.ok(errs.some((e) => e.includes("groupIDs")));
  });
});
