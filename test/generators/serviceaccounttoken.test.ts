/**
 * ServiceAccountToken: upstream's output keys (token, expirationTimestamp from the issued token's exp), the
 * TokenRequest it sends (namespace, audiences, expirationSeconds or the server default), refusals naming the field
 * without a token in the message, and tenancy (only the namespace the generator runs for).
 */
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import type { ServiceAccountTokenSpec } from "../../src/api/generators/serviceaccounttoken.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { serviceAccountTokenGenerator as gen, rfc3339Seconds } from "../../src/generators/serviceaccounttoken/index.js";
import { ApiError } from "../../src/kube/errors.js";
import type { KubeAccess } from "../../src/providers/provider.js";
import { MemoryKubeAccess, TEST_TOKEN_ISSUER, type TokenClaims } from "../support/memory-kube-access.js";

let kube: MemoryKubeAccess;
let ctx: GeneratorContext;
/** What the generator passed to the TokenRequest call, expirationSeconds as given (undefined included). */
let calls: { namespace: string; name: string; audiences: string[]; expirationSeconds: number | undefined }[];

const claimsOf = (token: string): TokenClaims =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

beforeEach(() => {
  kube = new MemoryKubeAccess().setServiceAccount("team-a", "deployer").setServiceAccount("team-b", "deployer");
  calls = [];
  const recording: KubeAccess = {
    getSecret: (ns, n) => kube.getSecret(ns, n),
    getConfigMap: (ns, n) => kube.getConfigMap(ns, n),
    createServiceAccountToken: (namespace, name, audiences, expirationSeconds) => {
      calls.push({ namespace, name, audiences, expirationSeconds });
      return kube.createServiceAccountToken(namespace, name, audiences, expirationSeconds);
    },
  };
  ctx = { kube: recording, namespace: "team-a" };
});

const spec = (s: Partial<ServiceAccountTokenSpec>): ServiceAccountTokenSpec =>
  ({ serviceAccountRef: { name: "deployer" }, ...s }) as ServiceAccountTokenSpec;

describe("ServiceAccountToken generator", () => {
  test("writes token and expirationTimestamp under upstream's keys", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { data, state } = await gen.generate(
      spec({
        serviceAccountRef: { name: "deployer", audiences: ["vault", "sts.example.com"] },
        expirationSeconds: 1800,
      }),
      ctx,
    );
    assert.deepEqual(Object.keys(data).sort(), ["expirationTimestamp", "token"]);
    assert.equal(state, undefined, "a ServiceAccount token cannot be revoked: no state to clean up");
    const claims = claimsOf(data.token!.toString());
    assert.equal(claims.iss, TEST_TOKEN_ISSUER);
    assert.equal(claims.sub, "system:serviceaccount:team-a:deployer");
    assert.deepEqual(claims.aud, ["vault", "sts.example.com"]);
    assert.equal(data.expirationTimestamp!.toString(), rfc3339Seconds(claims.exp));
    assert.match(data.expirationTimestamp!.toString(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const lifetime = claims.exp - before;
    assert.ok(lifetime >= 1799 && lifetime <= 1801, `lifetime ${lifetime} s`);
    assert.deepEqual(calls, [
      { namespace: "team-a", name: "deployer", audiences: ["vault", "sts.example.com"], expirationSeconds: 1800 },
    ]);
  });

  test("without audiences or expirationSeconds the API server's defaults apply", async () => {
    const { data } = await gen.generate(spec({}), ctx);
    assert.deepEqual(calls, [{ namespace: "team-a", name: "deployer", audiences: [], expirationSeconds: undefined }]);
    assert.deepEqual(claimsOf(data.token!.toString()).aud, [TEST_TOKEN_ISSUER]);
  });

  test("each run issues a new token", async () => {
    const a = await gen.generate(spec({}), ctx);
    const b = await gen.generate(spec({}), ctx);
    assert.notEqual(a.data.token!.toString(), b.data.token!.toString());
    assert.equal(calls.length, 2);
  });

  test("expirationTimestamp is the expiry the issuer chose, not the one requested", async () => {
    const exp = 2_000_000_000;
    const shortened: KubeAccess = {
      ...ctx.kube,
      createServiceAccountToken: async () =>
        `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.c2ln`,
    };
    const { data } = await gen.generate(spec({ expirationSeconds: 86_400 * 365 }), { ...ctx, kube: shortened });
    assert.equal(data.expirationTimestamp!.toString(), "2033-05-18T03:33:20Z");
  });

  test("tenancy: serviceAccountRef.namespace is refused, even naming another namespace, before any TokenRequest", async () => {
    for (const namespace of ["team-b", "team-a"]) {
      await assert.rejects(
        gen.generate(spec({ serviceAccountRef: { name: "deployer", namespace } }), ctx),
        (e: Error) =>
          e.name === "GeneratorError" && /^spec\.serviceAccountRef\.namespace: is not supported/.test(e.message),
      );
    }
    assert.equal(calls.length, 0);
  });

  test("a ClusterGenerator's spec issues the token in the requesting namespace", async () => {
    const { data } = await gen.generate(spec({}), { ...ctx, namespace: "team-b" });
    assert.equal(claimsOf(data.token!.toString()).sub, "system:serviceaccount:team-b:deployer");
  });

  test("a missing ServiceAccount names the field and the ServiceAccount", async () => {
    await assert.rejects(
      gen.generate(spec({ serviceAccountRef: { name: "ghost" } }), ctx),
      (e: Error) =>
        e.name === "GeneratorError" &&
        /^spec\.serviceAccountRef: TokenRequest for ServiceAccount team-a\/ghost failed: .*not found/.test(e.message),
    );
  });

  test("an API refusal names the field and the HTTP status", async () => {
    const refusing: KubeAccess = {
      ...ctx.kube,
      createServiceAccountToken: async () => {
        throw new ApiError(
          403,
          "POST /api/v1/namespaces/team-a/serviceaccounts/deployer/token: forbidden",
          "Forbidden",
        );
      },
    };
    await assert.rejects(gen.generate(spec({}), { ...ctx, kube: refusing }), (e: Error) =>
      /^spec\.serviceAccountRef: TokenRequest for ServiceAccount team-a\/deployer failed: HTTP 403/.test(e.message),
    );
  });

  test("a token that is not a JWT is refused without repeating it", async () => {
    const opaque: KubeAccess = { ...ctx.kube, createServiceAccountToken: async () => "opaque-secret-token-value" };
    await assert.rejects(gen.generate(spec({}), { ...ctx, kube: opaque }), (e: Error) => {
      assert.match(e.message, /^spec\.serviceAccountRef: .*not a JWT/);
      assert.ok(!e.message.includes("opaque-secret-token-value"));
      return true;
    });
  });

  test("spec validation: a name is required and expirationSeconds must be positive", async () => {
    await assert.rejects(
      gen.generate({ serviceAccountRef: { name: "" } } as ServiceAccountTokenSpec, ctx),
      /^GeneratorError: spec\.serviceAccountRef\.name: is required/,
    );
    await assert.rejects(
      gen.generate(spec({ expirationSeconds: 0 }), ctx),
      /spec\.expirationSeconds: must be a positive/,
    );
    assert.equal(calls.length, 0);
  });
});
