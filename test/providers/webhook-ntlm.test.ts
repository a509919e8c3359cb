/**
 * Webhook provider and Webhook generator with `auth.ntlm`, against a loopback server that answers the NTLM
 * handshake as IIS does and checks the NTLMv2 response with the account's password. Also MD4 (RFC 1320) and
 * NTLMv2 ([MS-NLMP] 4.2.4) against the published vectors.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { webhookGenerator } from "../../src/generators/webhook/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError, StoreConfigError } from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { webhookProvider } from "../../src/providers/webhook/index.js";
import { md4 } from "../../src/providers/webhook/ntlm/md4.js";
import {
  authenticateMessage,
  negotiateMessage,
  ntlmV2Response,
  ntowfV2,
  parseChallenge,
  splitUser,
} from "../../src/providers/webhook/ntlm/messages.js";
import { challengeMessage, verifyAuthenticate } from "../fakes/ntlm-server-side.js";
import { startWebhookFake, type WebhookFake } from "../fakes/webhook-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const PASSWORD = "S3cr3t pass ";
const ACCOUNT = { domain: "CORP", user: "svc-eso", password: PASSWORD };

describe("NTLM primitives", () => {
  test("MD4 matches RFC 1320's test suite", () => {
    const vectors: Array<[string, string]> = [
      ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
      ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
      ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
      ["message digest", "d9130a8164549fe818874806e1c7014b"],
      ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
      [
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "e33b4ddc9c38f2199c3e7b164fcc0536",
      ],
    ];
    for (const [input, hex] of vectors) assert.equal(md4(Buffer.from(input, "latin1")).toString("hex"), hex, input);
  });

  test("NTLMv2 matches [MS-NLMP] 4.2.4", () => {
    const hash = ntowfV2("Password", "User", "Domain");
    assert.equal(hash.toString("hex"), "0c868a403bfd7a93a3001ef22ef02e3f");
    const av = (id: number, s: string) => {
      const v = Buffer.from(s, "utf16le");
      const h = Buffer.alloc(4);
      h.writeUInt16LE(id, 0);
      h.writeUInt16LE(v.length, 2);
      return Buffer.concat([h, v]);
    };
    const targetInfo = Buffer.concat([av(2, "Domain"), av(1, "Server"), Buffer.alloc(4)]);
    const response = ntlmV2Response(
      hash,
      Buffer.from("0123456789abcdef", "hex"),
      Buffer.alloc(8, 0xaa),
      Buffer.alloc(8),
      targetInfo,
    );
    assert.equal(response.subarray(0, 16).toString("hex"), "68cd0ab851e51c96aabc927bebef6a1c");
  });

  test("user names: DOMAIN\\user sends the domain, a UPN sends none", () => {
    assert.deepEqual(splitUser("CORP\\svc"), { user: "svc", domain: "CORP", domainNeeded: true });
    assert.deepEqual(splitUser("svc@corp.example"), { user: "svc@corp.example", domain: "", domainNeeded: false });
    assert.deepEqual(splitUser("svc"), { user: "svc", domain: "", domainNeeded: true });
  });

  test("an authenticate message verifies only with the right password", () => {
    const { msg, challenge } = challengeMessage("CORP");
    const parsed = parseChallenge(msg);
    assert.equal(parsed.targetName, "CORP");
    const good = authenticateMessage(parsed, { username: "svc-eso", password: PASSWORD });
    assert.deepEqual(verifyAuthenticate(good, ACCOUNT, challenge), { ok: true, user: "svc-eso", domain: "CORP" });
    const bad = authenticateMessage(parsed, { username: "svc-eso", password: "wrong" });
    assert.equal(verifyAuthenticate(bad, ACCOUNT, challenge).reason, "wrong password");
    assert.equal(negotiateMessage().readUInt32LE(8), 1);
  });

  test("servers asking for NTLMv1 or key exchange are refused, as upstream", () => {
    for (const flag of [0x80, 0x40000000]) {
      const parsed = parseChallenge(challengeMessage("CORP", { flags: 0x00898205 | flag }).msg);
      assert.throws(() => authenticateMessage(parsed, { username: "u", password: "p" }), /NTLMv1|key exchange/);
    }
  });
});

describe("webhook auth.ntlm", () => {
  let iis: WebhookFake;
  let negotiateOnly: WebhookFake;
  let basicOnly: WebhookFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    iis = await startWebhookFake({ ntlm: ACCOUNT });
    negotiateOnly = await startWebhookFake({ ntlm: { ...ACCOUNT, scheme: "Negotiate" } });
    basicOnly = await startWebhookFake({ basic: { user: "CORP\\svc-eso", password: PASSWORD } });
    for (const f of [iis, negotiateOnly, basicOnly]) {
      f.routes.set("/api/secret", (req) => ({
        json: { value: `v-${new URL(req.url, "http://x").searchParams.get("k")}` },
      }));
      f.routes.set("/gen", { json: { token: "generated", ttl: 60 } });
    }
  });
  after(async () => {
    await Promise.all([iis.close(), negotiateOnly.close(), basicOnly.close()]);
  });
  beforeEach(() => {
    for (const f of [iis, negotiateOnly, basicOnly]) {
      f.requests.length = 0;
      f.ntlmChecks.length = 0;
    }
    kube = new MemoryKubeAccess().setSecret("ns", "ntlm", { username: "CORP\\svc-eso", password: PASSWORD });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "wh", namespace: "ns" };
  });

  const ntlm = (secret = "ntlm") => ({
    ntlm: {
      usernameSecret: { name: secret, key: "username" },
      passwordSecret: { name: secret, key: "password" },
    },
  });
  const spec = (url: string, extra: Record<string, unknown> = {}) =>
    ({
      url: `${url}/api/secret?k={{ .remoteRef.key }}`,
      result: { jsonPath: "$.value" },
      auth: ntlm(),
      ...extra,
    }) as any;

  test("the provider completes negotiate / challenge / authenticate and reads the value", async () => {
    const c = await webhookProvider.newClient(spec(iis.url), ctx);
    assert.equal((await c.getSecret({ key: "db" })).toString(), "v-db");
    assert.deepEqual(iis.ntlmChecks, [{ ok: true, user: "svc-eso", domain: "CORP" }]);
    // Anonymous first, then NEGOTIATE, then AUTHENTICATE (served).
    const auth = iis.requests.map((r) => String(r.headers.authorization ?? "").split(" ")[0]);
    assert.deepEqual(auth, ["", "NTLM", "NTLM"]);
    // The password never travels: only the NTLMv2 proof does.
    for (const r of iis.requests) {
      const header = String(r.headers.authorization ?? "");
      assert.ok(
        !Buffer.from(header.split(" ")[1] ?? "", "base64")
          .toString("utf16le")
          .includes(PASSWORD),
      );
    }
  });

  test("a user name without a domain takes the challenge's domain", async () => {
    kube.setSecret("ns", "plain", { username: "svc-eso", password: PASSWORD });
    const c = await webhookProvider.newClient(spec(iis.url, { auth: ntlm("plain") }), ctx);
    assert.equal((await c.getSecret({ key: "x" })).toString(), "v-x");
    assert.equal(iis.ntlmChecks[0]?.domain, "CORP");
  });

  test("a server offering only Negotiate gets the NTLM tokens under that scheme", async () => {
    const c = await webhookProvider.newClient(spec(negotiateOnly.url), ctx);
    assert.equal((await c.getSecret({ key: "n" })).toString(), "v-n");
    assert.equal(negotiateOnly.ntlmChecks[0]?.ok, true);
    assert.match(String(negotiateOnly.requests.at(-1)?.headers.authorization), /^Negotiate /);
  });

  test("a server offering no NTLM gets Basic credentials, as upstream", async () => {
    const c = await webhookProvider.newClient(spec(basicOnly.url), ctx);
    assert.equal((await c.getSecret({ key: "b" })).toString(), "v-b");
  });

  test("a wrong password is an auth error that names neither the password nor the user's secret", async () => {
    kube.setSecret("ns", "ntlm", { username: "CORP\\svc-eso", password: "not-it" });
    const c = await webhookProvider.newClient(spec(iis.url), ctx);
    await assert.rejects(c.getSecret({ key: "db" }), (e: Error) => {
      assert.ok(e instanceof ProviderAuthError, e.message);
      assert.ok(!e.message.includes("not-it") && !e.message.includes(PASSWORD));
      return true;
    });
    assert.equal(iis.ntlmChecks[0]?.reason, "wrong password");
  });

  test("validation and tenancy", async () => {
    const v = webhookProvider.validate(
      { url: "http://x", auth: { ntlm: { usernameSecret: { name: "a" }, passwordSecret: { name: "a", key: "p" } } } },
      "ClusterSecretStore",
    );
    assert.ok(v.errors.some((e) => e.startsWith("spec.provider.webhook.auth.ntlm.usernameSecret: name and key")));
    assert.ok(v.errors.some((e) => e.startsWith("spec.provider.webhook.auth.ntlm.passwordSecret.namespace")));
    assert.deepEqual(webhookProvider.validate(spec(iis.url), "SecretStore").errors, []);
    const other = {
      ntlm: {
        usernameSecret: { name: "ntlm", key: "username", namespace: "other" },
        passwordSecret: { name: "ntlm", key: "password", namespace: "other" },
      },
    };
    await assert.rejects(webhookProvider.newClient(spec(iis.url, { auth: other }), ctx), StoreConfigError);
  });

  test("the Webhook generator authenticates with NTLM too", async () => {
    const out = await webhookGenerator.generate(
      { url: `${iis.url}/gen`, result: {}, auth: ntlm() } as any,
      { kube, namespace: "ns" } as any,
    );
    assert.deepEqual(Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, v.toString()])), {
      token: "generated",
      ttl: "60",
    });
    assert.equal(iis.ntlmChecks[0]?.ok, true);
  });
});
