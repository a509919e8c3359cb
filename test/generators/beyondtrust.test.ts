/**
 * BeyondtrustWorkloadCredentialsDynamicSecret against its loopback HTTPS fake: upstream's output keys, the request
 * the service expects (site, bearer API key, API version, folder query), CA trust from caBundle and caProvider,
 * spec refusals naming the field, HTTP failures naming the call and status, retrySettings, abort, tenancy,
 * and no API key or response body in any error.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import {
  beyondtrustDynamicSecretIssues,
  type BeyondtrustWorkloadCredentialsDynamicSecretSpec as Spec,
} from "../../src/api/generators/beyondtrust.js";
import { beyondtrustWorkloadCredentialsGenerator as gen } from "../../src/generators/beyondtrust/index.js";
import { builtinGenerators } from "../../src/generators/builtin.js";
import { type GeneratorContext, GeneratorError } from "../../src/generators/generator.js";
import { registerGenerator, resolveGenerator } from "../../src/generators/registry.js";
import { FAKE_SITE_ID, FakeBeyondtrust } from "../fakes/beyondtrust-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const API_KEY = "bt-api-key-team-a-4f1c9e";
const OTHER_KEY = "bt-api-key-team-b-77d0aa";

let bt: FakeBeyondtrust;
let kube: MemoryKubeAccess;
let ctx: GeneratorContext;

before(async () => {
  bt = await new FakeBeyondtrust().start();
  bt.addApiKey(API_KEY).addApiKey(OTHER_KEY, ["team-b"]);
  bt.define("production/aws-temp").define("iam-user", { sessionToken: false }).define("team/prod/deploy");
  kube = new MemoryKubeAccess()
    .setSecret("team-a", "bt-token", { token: `${API_KEY}\n` })
    .setSecret("team-a", "bt-ca", { "ca.crt": bt.caPem })
    .setConfigMap("team-a", "bt-ca", { "ca.crt": bt.caPem })
    .setSecret("team-a", "empty-token", { token: "" })
    .setSecret("team-b", "bt-token", { token: OTHER_KEY })
    .setSecret("team-b", "bt-ca", { "ca.crt": bt.caPem });
  ctx = { kube, namespace: "team-a" };
});

after(async () => {
  await bt.stop();
});

afterEach(() => {
  bt.requests.length = 0;
  bt.faults.length = 0;
});

function spec(over: Partial<Spec["provider"]> = {}, rest: Partial<Spec> = {}): Spec {
  return {
    provider: {
      auth: { apikey: { token: { name: "bt-token", key: "token" } } },
      server: { apiUrl: bt.apiUrl, siteId: FAKE_SITE_ID },
      folderPath: "production/aws-temp",
      caBundle: Buffer.from(bt.caPem).toString("base64"),
      ...over,
    },
    ...rest,
  };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

function assertNoSecrets(err: Error): void {
  for (const s of [API_KEY, OTHER_KEY, "injected fault", "invalid API key", bt.caPem.slice(30, 60)]) {
    assert.ok(!err.message.includes(s), `error leaks ${JSON.stringify(s)}: ${err.message}`);
  }
}

describe("BeyondtrustWorkloadCredentialsDynamicSecret: generated credentials", () => {
  test("upstream's keys hold the credentials the service issued, sessionToken included", async () => {
    const out = await gen.generate(spec(), ctx);
    const issued = bt.issued.at(-1)!;
    assert.deepEqual(Object.keys(out.data).sort(), [
      "accessKeyId",
      "expiration",
      "leaseId",
      "secretAccessKey",
      "sessionToken",
    ]);
    assert.equal(out.data.accessKeyId!.toString(), issued.accessKeyId);
    assert.equal(out.data.secretAccessKey!.toString(), issued.secretAccessKey);
    assert.equal(out.data.sessionToken!.toString(), issued.sessionToken);
    assert.equal(out.data.leaseId!.toString(), issued.leaseId);
    assert.equal(out.data.expiration!.toString(), issued.expiration);
    assert.ok(Date.parse(out.data.expiration!.toString()) > Date.now(), "expiration is a future timestamp");
    assert.equal(out.state, undefined, "nothing to clean up: credentials lapse at their expiration");
    assert.equal(gen.cleanup, undefined);
  });

  test("sends one POST to <apiUrl>/<siteId>/secrets/dynamic/<name>/generate?folder=<folder> as the service expects", async () => {
    await gen.generate(spec(), ctx);
    assert.equal(bt.requests.length, 1);
    const r = bt.requests[0]!;
    assert.equal(r.method, "POST");
    assert.equal(r.pathname, `/site/${FAKE_SITE_ID}/secrets/dynamic/aws-temp/generate`);
    assert.equal(r.folder, "production");
    assert.equal(r.authorization, `Bearer ${API_KEY}`, "the Secret value, trimmed, as a bearer token");
    assert.equal(r.apiVersion, "2026-04-28");
    assert.equal(r.contentType, "application/json");
  });

  test("a trailing slash on apiUrl does not double the separator", async () => {
    await gen.generate(spec({ server: { apiUrl: `${bt.apiUrl}/`, siteId: FAKE_SITE_ID } }), ctx);
    assert.equal(bt.requests[0]!.pathname, `/site/${FAKE_SITE_ID}/secrets/dynamic/aws-temp/generate`);
  });

  test("a bare name is generated at the root folder (no folder query); no sessionToken key when none is issued", async () => {
    const out = await gen.generate(spec({ folderPath: "iam-user" }), ctx);
    assert.equal(bt.requests[0]!.folder, null);
    assert.equal(bt.requests[0]!.pathname, `/site/${FAKE_SITE_ID}/secrets/dynamic/iam-user/generate`);
    assert.deepEqual(Object.keys(out.data).sort(), ["accessKeyId", "expiration", "leaseId", "secretAccessKey"]);
  });

  test("a nested path splits at its last slash", async () => {
    const out = await gen.generate(spec({ folderPath: "team/prod/deploy" }), ctx);
    assert.equal(bt.requests[0]!.folder, "team/prod");
    assert.equal(out.data.accessKeyId!.toString(), bt.issued.at(-1)!.accessKeyId);
  });

  test("each run yields a fresh set of credentials", async () => {
    const a = await gen.generate(spec(), ctx);
    const b = await gen.generate(spec(), ctx);
    assert.notEqual(a.data.accessKeyId!.toString(), b.data.accessKeyId!.toString());
    assert.notEqual(a.data.leaseId!.toString(), b.data.leaseId!.toString());
  });

  test("registered as a built-in kind, and usable through a ClusterGenerator", async () => {
    assert.ok(builtinGenerators.includes(gen));
    registerGenerator(gen);
    const resolved = resolveGenerator({
      kind: "ClusterGenerator",
      spec: {
        kind: "BeyondtrustWorkloadCredentialsDynamicSecret",
        generator: { beyondtrustWorkloadCredentialsDynamicSecretSpec: spec() },
      },
    });
    assert.equal(resolved.generator, gen);
    const out = await resolved.generator.generate(resolved.spec, ctx);
    assert.equal(out.data.accessKeyId!.toString(), bt.issued.at(-1)!.accessKeyId);
  });
});

describe("BeyondtrustWorkloadCredentialsDynamicSecret: TLS trust", () => {
  test("caProvider from a Secret or a ConfigMap is trusted", async () => {
    for (const type of ["Secret", "ConfigMap"] as const) {
      const out = await gen.generate(
        spec({ caBundle: undefined, caProvider: { type, name: "bt-ca", key: "ca.crt" } }),
        ctx,
      );
      assert.ok(out.data.accessKeyId!.length > 0, type);
    }
  });

  test("without the CA the self-signed server is refused, and the service never sees the request", async () => {
    const err = await failure(gen.generate(spec({ caBundle: undefined }), ctx));
    assert.ok(err instanceof GeneratorError);
    assert.match(err.message, /generate dynamic secret "production\/aws-temp": request failed: .*certificate/);
    assert.equal(bt.requests.length, 0);
    assertNoSecrets(err);
  });

  test("a caBundle that holds no certificate names the field", async () => {
    const err = await failure(gen.generate(spec({ caBundle: Buffer.from("not a pem").toString("base64") }), ctx));
    assert.match(err.message, /^spec\.provider\.caBundle: no PEM certificate could be parsed/);
    assert.equal(bt.requests.length, 0);
  });

  test("a caProvider key that is missing names the field and the object", async () => {
    const err = await failure(
      gen.generate(spec({ caBundle: undefined, caProvider: { type: "ConfigMap", name: "bt-ca", key: "nope" } }), ctx),
    );
    assert.match(err.message, /spec\.provider\.caProvider: key "nope" not found in ConfigMap team-a\/bt-ca/);
  });
});

describe("BeyondtrustWorkloadCredentialsDynamicSecret: spec refusals name the field before any request", () => {
  // Built lazily: the fake's URL is known once it has started.
  const cases: [string, () => Spec, RegExp][] = [
    ["missing folderPath", () => spec({ folderPath: undefined }), /spec\.provider\.folderPath: is required/],
    [
      "folderPath ending in /",
      () => spec({ folderPath: "production/" }),
      /spec\.provider\.folderPath: .* names no dynamic secret/,
    ],
    [
      "http apiUrl",
      () => spec({ server: { apiUrl: "http://127.0.0.1:1/site", siteId: FAKE_SITE_ID } }),
      /spec\.provider\.server\.apiUrl: must use the https scheme/,
    ],
    [
      "apiUrl that is no URL",
      () => spec({ server: { apiUrl: "api.beyondtrust.io", siteId: FAKE_SITE_ID } }),
      /spec\.provider\.server\.apiUrl: is not a valid URL/,
    ],
    [
      "siteId that is not a UUID",
      () => spec({ server: { apiUrl: "https://api.example/site", siteId: "my-site" } }),
      /spec\.provider\.server\.siteId: must be a UUID/,
    ],
    [
      "token without a key",
      () => spec({ auth: { apikey: { token: { name: "bt-token" } } } }),
      /spec\.provider\.auth\.apikey\.token\.key: is required/,
    ],
    [
      "negative retryInterval",
      () => spec({}, { retrySettings: { retryInterval: "-1s" } }),
      /spec\.retrySettings\.retryInterval: must not be negative/,
    ],
    ["no provider", () => ({}) as Spec, /spec\.provider: is required/],
  ];
  for (const [name, s, re] of cases) {
    test(name, async () => {
      const err = await failure(gen.generate(s(), ctx));
      assert.ok(err instanceof GeneratorError);
      assert.match(err.message, re);
      assert.equal(bt.requests.length, 0);
    });
  }

  test("the same checks, without the service, report field paths under a ClusterGenerator's key", () => {
    const base = "spec.generator.beyondtrustWorkloadCredentialsDynamicSecretSpec";
    const issues = beyondtrustDynamicSecretIssues(
      { provider: { ...spec().provider, server: { apiUrl: "http://x/site", siteId: "nope" }, folderPath: "" } },
      base,
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      [`${base}.provider.server.apiUrl`, `${base}.provider.server.siteId`, `${base}.provider.folderPath`],
    );
    assert.deepEqual(beyondtrustDynamicSecretIssues(spec()), []);
  });

  test("a controller class other than ours is left alone", async () => {
    const err = await failure(gen.generate(spec({}, { controller: "other" }), { ...ctx, controllerClass: "" }));
    assert.match(err.message, /^spec\.controller: "other" is not this controller's class/);
    assert.equal(bt.requests.length, 0);
    const out = await gen.generate(spec({}, { controller: "blue" }), { ...ctx, controllerClass: "blue" });
    assert.ok(out.data.accessKeyId);
  });
});

describe("BeyondtrustWorkloadCredentialsDynamicSecret: service failures", () => {
  test("a key the service rejects: authentication failed (HTTP 401), no key or body in the message", async () => {
    kube.setSecret("team-a", "stale", { token: "bt-api-key-revoked-0000" });
    const err = await failure(
      gen.generate(spec({ auth: { apikey: { token: { name: "stale", key: "token" } } } }), ctx),
    );
    assert.equal(
      err.message,
      'beyondtrust: generate dynamic secret "production/aws-temp": authentication failed (HTTP 401)',
    );
    assert.ok(!err.message.includes("bt-api-key-revoked-0000"));
    assertNoSecrets(err);
  });

  test("a key without access to the folder: HTTP 403", async () => {
    const err = await failure(
      gen.generate(spec({ auth: { apikey: { token: { name: "bt-token", key: "token" } } } }), {
        kube: new MemoryKubeAccess().setSecret("team-b", "bt-token", { token: OTHER_KEY }),
        namespace: "team-b",
      }),
    );
    assert.match(err.message, /"production\/aws-temp": authentication failed \(HTTP 403\)/);
    assertNoSecrets(err);
  });

  test("an unknown definition or site: not found (HTTP 404)", async () => {
    const err = await failure(gen.generate(spec({ folderPath: "production/missing" }), ctx));
    assert.match(err.message, /"production\/missing": not found \(HTTP 404\)/);
    const site = await failure(
      gen.generate(spec({ server: { apiUrl: bt.apiUrl, siteId: "00000000-0000-4000-8000-000000000000" } }), ctx),
    );
    assert.match(site.message, /not found \(HTTP 404\)/);
  });

  test("a server error fails at once by default, with neither the key nor the body in the message", async () => {
    bt.faults.push({ status: 500, body: { error: "boom", message: `injected fault ${API_KEY}` } });
    const err = await failure(gen.generate(spec(), ctx));
    assert.equal(err.message, 'beyondtrust: generate dynamic secret "production/aws-temp": HTTP 500');
    assert.equal(bt.requests.length, 1, "upstream retries nothing unless retrySettings says so");
    assertNoSecrets(err);
  });

  test("retrySettings: throttling and server errors are retried up to maxRetries, with the interval doubling", async () => {
    bt.faults.push(503, 429);
    const start = Date.now();
    const out = await gen.generate(spec({}, { retrySettings: { maxRetries: 2, retryInterval: "40ms" } }), ctx);
    assert.ok(Date.now() - start >= 40 + 80 - 5, "waited 40ms then 80ms");
    assert.equal(bt.requests.length, 3);
    assert.equal(out.data.accessKeyId!.toString(), bt.issued.at(-1)!.accessKeyId);

    bt.requests.length = 0;
    bt.faults.push(503, 503, 503);
    const err = await failure(gen.generate(spec({}, { retrySettings: { maxRetries: 1, retryInterval: "1ms" } }), ctx));
    assert.match(err.message, /HTTP 503/);
    assert.equal(bt.requests.length, 2);
  });

  test("refusals are not retried", async () => {
    bt.faults.push(403);
    const err = await failure(gen.generate(spec({}, { retrySettings: { maxRetries: 3, retryInterval: "1ms" } }), ctx));
    assert.match(err.message, /HTTP 403/);
    assert.equal(bt.requests.length, 1);
  });

  test("a 2xx body that is not the documented shape is an error, not empty values", async () => {
    bt.faults.push({ status: 201, body: "<html>maintenance</html>" });
    assert.match((await failure(gen.generate(spec(), ctx))).message, /response is not valid JSON/);
    bt.faults.push({ status: 200, body: { data: {} } });
    assert.match((await failure(gen.generate(spec(), ctx))).message, /response carries no "secret" object/);
    bt.faults.push({ status: 200, body: { secret: { accessKeyId: 42 } } });
    assert.match((await failure(gen.generate(spec(), ctx))).message, /secret\.accessKeyId is not a string/);
  });

  test("the caller's abort signal stops a hanging call", async () => {
    bt.faults.push({ hang: true });
    const ac = new AbortController();
    const start = Date.now();
    setTimeout(() => ac.abort(), 100);
    const err = await failure(gen.generate(spec(), { ...ctx, signal: ac.signal }));
    assert.ok(Date.now() - start < 5000);
    assert.match(err.message, /aborted/);
  });
});

describe("BeyondtrustWorkloadCredentialsDynamicSecret: tenancy", () => {
  test("the API key must come from the generator's own namespace", async () => {
    const err = await failure(
      gen.generate(spec({ auth: { apikey: { token: { name: "bt-token", key: "token", namespace: "team-b" } } } }), ctx),
    );
    assert.match(
      err.message,
      /spec\.provider\.auth\.apikey\.token\.namespace: a SecretStore may not reference another namespace/,
    );
    assert.equal(bt.requests.length, 0);
    assertNoSecrets(err);
  });

  test("so must the CA", async () => {
    const err = await failure(
      gen.generate(
        spec({
          caBundle: undefined,
          caProvider: { type: "Secret", name: "bt-ca", key: "ca.crt", namespace: "team-b" },
        }),
        ctx,
      ),
    );
    assert.match(
      err.message,
      /spec\.provider\.caProvider\.namespace: a SecretStore may not reference another namespace/,
    );
  });

  test("a Secret missing from the namespace, or an empty key, names the field", async () => {
    const missing = await failure(gen.generate(spec(), { kube, namespace: "team-c" }));
    assert.match(missing.message, /spec\.provider\.auth\.apikey\.token: Secret team-c\/bt-token not found/);
    const empty = await failure(
      gen.generate(spec({ auth: { apikey: { token: { name: "empty-token", key: "token" } } } }), ctx),
    );
    assert.match(empty.message, /spec\.provider\.auth\.apikey\.token: the referenced Secret key is empty/);
    assert.equal(bt.requests.length, 0);
  });
});
