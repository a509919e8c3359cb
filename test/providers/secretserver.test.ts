import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { secretServerProvider } from "../../src/providers/secretserver/index.js";
import { type SecretServerFake, startSecretServerFake } from "../fakes/secretserver-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const PASSWORD = "ss-account-password";
const STATIC_TOKEN = "pre-issued-token-value";
const JSON_DATA = '{ "user": "marktwain@hannibal.com", "books": ["tomSawyer", "huckleberryFinn"], "n": 1.50 }';
const VALUES = ["usernamevalue", "passwordvalue-s3cr3t", "-----BEGIN KEY-----file"];

describe("secretserver provider", () => {
  let fake: SecretServerFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startSecretServerFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.issued.length = 0;
    fake.live.clear();
    fake.users.clear();
    fake.users.set("eso", { password: PASSWORD });
    fake.users.set("corp-eso", { password: PASSWORD, domain: "CORP" });
    fake.staticTokens.clear();
    fake.staticTokens.add(STATIC_TOKEN);
    fake.folders.clear();
    fake.folders.set(73, "/Team");
    fake.folders.set(74, "/Other");
    fake.templates.clear();
    fake.templates.set(6098, {
      id: 6098,
      fields: [
        { secretTemplateFieldId: 100, name: "Username", fieldSlugName: "username" },
        { secretTemplateFieldId: 101, name: "Password", fieldSlugName: "password" },
      ],
    });
    fake.secrets.length = 0;
    fake.secrets.push(
      {
        id: 52622,
        name: "external-secret-testing",
        folderId: 73,
        folderPath: "/Team",
        secretTemplateId: 1,
        items: [{ fieldId: 439, fieldName: "Data", slug: "data", itemValue: JSON_DATA }],
      },
      {
        id: 4000,
        name: "Secretname",
        folderId: 73,
        folderPath: "/Team",
        secretTemplateId: 6098,
        items: [
          { fieldId: 100, fieldName: "Username", slug: "username", itemValue: VALUES[0]! },
          { fieldId: 101, fieldName: "Password", slug: "password", itemValue: VALUES[1]! },
          {
            fieldId: 102,
            fieldName: "Key",
            slug: "private-key",
            itemValue: "",
            isFile: true,
            filename: "k.pem",
            file: VALUES[2],
          },
        ],
      },
      {
        id: 4001,
        name: "Secretname",
        folderId: 74,
        folderPath: "/Other",
        secretTemplateId: 6098,
        items: [{ fieldId: 100, fieldName: "Username", slug: "username", itemValue: "other-folder-user" }],
      },
    );
    kube = new MemoryKubeAccess().setSecret("ns", "ss", { username: "eso", password: PASSWORD, token: STATIC_TOKEN });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ss", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      serverURL: `${fake.url}/`,
      username: { secretRef: { name: "ss", key: "username" } },
      password: { secretRef: { name: "ss", key: "password" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    secretServerProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field; token makes username and password optional", () => {
    assert.deepEqual(secretServerProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.deepEqual(
      secretServerProvider.validate(
        { serverURL: "ftp://x", password: { value: "p", secretRef: { name: "a", key: "b" } } } as any,
        "SecretStore",
      ).errors,
      [
        "spec.provider.secretserver.serverURL: must be an http(s) URL",
        "spec.provider.secretserver.username: username must not be empty",
        "spec.provider.secretserver.password: cannot specify both secret reference and value",
      ],
    );
    assert.deepEqual(secretServerProvider.validate({ token: { value: "t" } } as any, "SecretStore").errors, [
      "spec.provider.secretserver.serverURL: serverURL must be set",
    ]);
    assert.deepEqual(
      secretServerProvider.validate({ serverURL: fake.url, token: { secretRef: { name: "ss" } } } as any, "SecretStore")
        .errors,
      ["spec.provider.secretserver.token.secretRef.key: must specify a secret key"],
    );
    assert.equal(secretServerProvider.capabilities(spec()), "ReadWrite");
  });

  test("store readiness with a password login, a domain login and a token; not ready on bad credentials", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("ns", "corp", { u: "corp-eso", p: PASSWORD });
    const domain = await client({
      domain: "CORP",
      username: { secretRef: { name: "corp", key: "u" } },
      password: { secretRef: { name: "corp", key: "p" } },
    });
    assert.deepEqual(await domain.validate(), { ready: true });
    const logins = fake.issued.length;
    const token = await client({
      token: { secretRef: { name: "ss", key: "token" } },
      username: undefined,
      password: undefined,
    });
    assert.deepEqual(await token.validate(), { ready: true });
    assert.equal(fake.issued.length, logins, "token auth does not log in");

    kube.setSecret("ns", "ss", { username: "eso", password: "wrong", token: "wrong-token" });
    const bad = await (await client()).validate();
    assert.equal(bad.ready, false);
    assert.match(bad.message ?? "", /password login: authentication failed/);
    const badToken = await (await client({ token: { secretRef: { name: "ss", key: "token" } } })).validate();
    assert.match(badToken.message ?? "", /authentication failed \(HTTP 401\)/);
  });

  test("reads by id, name, path and folder-scoped name; properties by gjson path, slug or field name", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "52622", property: "user" })).toString(), "marktwain@hannibal.com");
    assert.equal(
      (await c.getSecret({ key: "external-secret-testing", property: "books.1" })).toString(),
      "huckleberryFinn",
    );
    assert.equal((await c.getSecret({ key: "4000", property: "Username" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "/Team/Secretname", property: "password" })).toString(), VALUES[1]);
    assert.equal((await c.getSecret({ key: "4000", property: "private-key" })).toString(), VALUES[2]);
    assert.equal(
      (await c.getSecret({ key: "folderId:74/Secretname", property: "username" })).toString(),
      "other-folder-user",
    );
    const whole = JSON.parse((await c.getSecret({ key: "52622" })).toString());
    assert.deepEqual(Object.keys(whole).slice(0, 6), [
      "Name",
      "FolderID",
      "ID",
      "SiteID",
      "SecretTemplateID",
      "SecretPolicyID",
    ]);
    assert.equal(whole.Items[0].ItemValue, JSON_DATA);
    assert.equal(whole.Items[0].Slug, "data");
    await assert.rejects(c.getSecret({ key: "4000", version: "1" }), NotSupportedError);
  });

  test("dataFrom: the first field's JSON, else every field by slug; a property expands when it is an object", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: "52622" })), {
      user: "marktwain@hannibal.com",
      books: '["tomSawyer","huckleberryFinn"]',
      n: "1.5",
    });
    assert.deepEqual(str(await c.getSecretMap({ key: "4000" })), {
      username: VALUES[0]!,
      password: VALUES[1]!,
      "private-key": VALUES[2]!,
    });
    assert.deepEqual(str(await c.getSecretMap({ key: "4000", property: "password" })), { password: VALUES[1]! });
    fake.secrets[0]!.items[0]!.itemValue = '{"db":{"host":"h","port":5}}';
    assert.deepEqual(str(await c.getSecretMap({ key: "52622", property: "db" })), { host: "h", port: "5" });
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
  });

  test("push updates a field, creates a secret from metadata, and deletes by folder-scoped name", async () => {
    const c = await client();
    const source = { name: "src", namespace: "ns", data: { pw: Buffer.from("new-pw"), user: Buffer.from("new-user") } };
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "4000", property: "password" } });
    assert.equal(fake.secrets.find((s) => s.id === 4000)?.items[1]?.itemValue, "new-pw");
    assert.equal(fake.secrets.find((s) => s.id === 4000)?.items[2]?.file, VALUES[2], "file field untouched");

    const meta = {
      apiVersion: "kubernetes.external-secrets.io/v1alpha1",
      kind: "PushSecretMetadata",
      spec: { folderId: 73, secretTemplateId: 6098 },
    };
    await assert.rejects(
      c.pushSecret(source, {
        secretKey: "user",
        remoteRef: { remoteKey: "folderId:73/new-app", property: "username" },
      }),
      /folderId and secretTemplateId must be provided in metadata/,
    );
    await c.pushSecret(source, {
      secretKey: "user",
      remoteRef: { remoteKey: "folderId:73/new-app", property: "username" },
      metadata: meta,
    });
    const created = fake.secrets.find((s) => s.name === "new-app");
    assert.deepEqual(
      { folder: created?.folderId, items: created?.items.map((i) => [i.slug, i.itemValue]) },
      { folder: 73, items: [["username", "new-user"]] },
    );
    assert.equal(await c.secretExists({ remoteKey: "folderId:73/new-app" }), true);
    assert.equal(await c.secretExists({ remoteKey: "folderId:74/new-app" }), false);
    await assert.rejects(
      c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "4000", property: "absent" } }),
      /field "absent" not found in secret/,
    );
    await assert.rejects(
      c.pushSecret(source, {
        secretKey: "user",
        remoteRef: { remoteKey: "brand-new", property: "absent" },
        metadata: meta,
      }),
      /not found in secret template/,
    );

    // The folder-scoped key deletes the secret in that folder only.
    await c.deleteSecret({ remoteKey: "folderId:74/Secretname" });
    assert.deepEqual(
      fake.secrets.filter((s) => s.name === "Secretname").map((s) => s.folderId),
      [73],
    );
    await c.deleteSecret({ remoteKey: "folderId:74/Secretname" });
    await c.deleteSecret({ remoteKey: "999999" });
  });

  test("one login serves many reads; an expired login is replaced once", async () => {
    const c = await client();
    await c.getSecret({ key: "52622" });
    await (await client()).getSecret({ key: "4000" });
    assert.equal(fake.issued.length, 1);
    fake.live.clear();
    await c.getSecret({ key: "52622" });
    assert.equal(fake.issued.length, 2);
  });

  test("failures map to provider errors naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "424242" }),
      (e) => e instanceof NoSecretError && /"424242"/.test(e.message),
    );
    await assert.rejects(
      c.getSecret({ key: "no-such-name" }),
      (e) => e instanceof NoSecretError && /no matching secrets/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "/Team/absent" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "4000", property: "absent" }), NoSecretError);
    await c.validate();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "4000" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "4000" }), /HTTP 500/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "4000" }), ProviderAuthError);
  });

  test("no secret value, password or token in any error", async () => {
    const c = await client();
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    await collect(c.getSecret({ key: "4000", property: "absent" }));
    await collect(
      c.pushSecret(
        { name: "s", namespace: "ns", data: { v: Buffer.from("x") } },
        { secretKey: "v", remoteRef: { remoteKey: "4000", property: "nope" } },
      ),
    );
    fake.faults.push(500);
    await collect(c.getSecret({ key: "4000" }));
    kube.setSecret("ns", "ss", { username: "eso", password: "wrong-password-value", token: "wrong-token-value" });
    await collect((await client()).getSecret({ key: "4000" }));
    await collect((await client({ token: { secretRef: { name: "ss", key: "token" } } })).getSecret({ key: "4000" }));
    for (const m of messages) {
      for (const v of [
        ...VALUES,
        PASSWORD,
        STATIC_TOKEN,
        "wrong-password-value",
        "wrong-token-value",
        ...fake.issued,
      ]) {
        assert.ok(!m.includes(v), `${m} leaks ${v}`);
      }
    }
  });

  test("tenancy: credentials only from the store's namespace; a ClusterSecretStore names namespaces", async () => {
    kube.setSecret("other", "ss", { password: PASSWORD });
    await assert.rejects(
      client({ password: { secretRef: { name: "ss", key: "password", namespace: "other" } } }),
      StoreConfigError,
    );
    const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const };
    await assert.rejects(secretServerProvider.newClient(spec(), cluster), /namespaces must be explicitly set/);
    const ok = await secretServerProvider.newClient(
      spec({ token: { secretRef: { name: "ss", key: "token", namespace: "ns" } } }),
      { ...cluster, namespace: "elsewhere" },
    );
    assert.deepEqual(await ok.validate(), { ready: true });
  });
});
