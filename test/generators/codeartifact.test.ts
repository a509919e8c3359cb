/**
 * CodeArtifactAuthorizationToken against the loopback AWS fake (CodeArtifact's REST-JSON GetAuthorizationToken
 * behind the SigV4 scope and key checks; STS for role assumption and IRSA): upstream's keys and expiration,
 * durationSeconds, each auth method, failures naming the spec field, retries and timeouts, tenancy, and no
 * credential in any error.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CodeArtifactAuthorizationTokenSpec } from "../../src/api/generators/codeartifact.js";
import { generatorKinds } from "../../src/api/generators.js";
import { validationErrors } from "../../src/api/validation.js";
import { builtinGenerators } from "../../src/generators/builtin.js";
import {
  codeArtifactAuthorizationTokenGenerator,
  newCodeArtifactAuthorizationTokenGenerator,
} from "../../src/generators/codeartifact/index.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { failure, fastTuning, staticKeysAuth, useFakeAws } from "../support/aws-generators.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const REGION = "eu-central-1";
const KEY_ID = "AKIDCODEARTIFACT";
const SECRET_KEY = "codeartifact-user-long-term-secret";
const DOMAIN = "acme-packages";
const OWNER = "123456789012";
const TIMEOUT_MS = 400;

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "aws-creds", { id: KEY_ID, secret: SECRET_KEY })
  .setSecret("team-b", "aws-creds", { id: KEY_ID, secret: SECRET_KEY })
  .setServiceAccount("team-a", "irsa", { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/packages" });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const auth = staticKeysAuth;
const gen = newCodeArtifactAuthorizationTokenGenerator(fastTuning(TIMEOUT_MS));

const aws = useFakeAws({
  region: REGION,
  accessKey: { id: KEY_ID, secret: SECRET_KEY },
  services: ["sts", "codeartifact"],
  irsaFrom: kube,
  reallow: "GetAuthorizationToken",
  seed: (fake) => fake.addCodeArtifactDomain(DOMAIN, OWNER),
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const spec = (extra: Partial<CodeArtifactAuthorizationTokenSpec> = {}): CodeArtifactAuthorizationTokenSpec => ({
  region: REGION,
  auth,
  domain: DOMAIN,
  domainOwner: OWNER,
  ...extra,
});
const tokenCalls = () => aws.requests.filter((r) => r.service === "codeartifact");

describe("CodeArtifactAuthorizationToken", () => {
  test("static keys give upstream's two keys: the issued token and its expiry after the AWS default", async () => {
    const out = await gen.generate(spec(), ctx);
    assert.deepEqual(Object.keys(out.data).sort(), ["authorizationToken", "expiration"]);
    assert.equal(out.state, undefined, "nothing to revoke");
    const issued = aws.codeArtifactTokens.at(-1)!;
    assert.equal(out.data.authorizationToken?.toString(), issued.token);
    assert.equal(issued.accessKeyId, KEY_ID);
    const expiration = Number(out.data.expiration?.toString());
    assert.ok(Math.abs(expiration - (nowSeconds() + 43_200)) <= 5, `expiration ${expiration}`);
    const [call] = tokenCalls();
    assert.equal(call?.region, REGION);
    assert.equal(call?.body.domain, DOMAIN);
    assert.equal(call?.body["domain-owner"], OWNER);
    assert.equal(call?.body.duration, undefined, "no duration unless set");
  });

  test("durationSeconds reaches CodeArtifact and sets the expiry; 0 is passed through as upstream allows", async () => {
    const out = await gen.generate(spec({ durationSeconds: 900 }), ctx);
    assert.equal(tokenCalls().at(-1)?.body.duration, "900");
    assert.ok(Math.abs(Number(out.data.expiration?.toString()) - (nowSeconds() + 900)) <= 5);
    await gen.generate(spec({ durationSeconds: 0 }), ctx);
    assert.equal(tokenCalls().at(-1)?.body.duration, "0");
  });

  test("spec checks fail before any call: durationSeconds bounds, required region, domain and domainOwner", async () => {
    for (const d of [60, 899, 43_201]) {
      const err = await failure(() => gen.generate(spec({ durationSeconds: d }), ctx));
      assert.match(err.message, /^spec\.durationSeconds: must be 0 or between 900 and 43200/);
    }
    assert.match((await failure(() => gen.generate(spec({ region: "" }), ctx))).message, /^spec\.region: is required/);
    assert.match((await failure(() => gen.generate(spec({ domain: "" }), ctx))).message, /^spec\.domain: is required/);
    assert.match(
      (await failure(() => gen.generate(spec({ domainOwner: "" }), ctx))).message,
      /^spec\.domainOwner: is required/,
    );
    assert.equal(aws.requests.length, 0);
  });

  test("spec.role is assumed first; the token call is signed with the role's temporary credentials", async () => {
    const role = "arn:aws:iam::123456789012:role/packages-reader";
    await gen.generate(spec({ role }), ctx);
    assert.equal(aws.sessions.at(-1)?.roleArn, role);
    const call = tokenCalls().at(-1)!;
    assert.match(String(call.accessKeyId), /^ASIA/);
    assert.ok(call.headers["x-amz-security-token"]);
  });

  test("IRSA: the service account's token is exchanged for the annotated role before the call", async () => {
    await gen.generate(
      { region: REGION, domain: DOMAIN, domainOwner: OWNER, auth: { jwt: { serviceAccountRef: { name: "irsa" } } } },
      ctx,
    );
    assert.equal(aws.count("AssumeRoleWithWebIdentity"), 1);
    assert.equal(aws.sessions.at(-1)?.roleArn, "arn:aws:iam::123456789012:role/packages");
    assert.match(String(tokenCalls().at(-1)?.accessKeyId), /^ASIA/);
  });

  test("an unknown domain or owner names spec.domain/spec.domainOwner with AWS's code and status", async () => {
    const err = await failure(() => gen.generate(spec({ domainOwner: "210987654321" }), ctx));
    assert.match(
      err.message,
      /^spec\.domain\/spec\.domainOwner: codeartifact:GetAuthorizationToken found no such domain: ResourceNotFoundException \(HTTP 404\)/,
    );
  });

  test("a denied action or a bad signature names spec.auth; credential material in AWS's message is cut out", async () => {
    aws.deny("GetAuthorizationToken");
    const denied = await failure(() => gen.generate(spec(), ctx));
    assert.match(
      denied.message,
      /^spec\.auth: codeartifact:GetAuthorizationToken was refused: AccessDeniedException.*not authorized to perform/,
    );
    aws.allow("GetAuthorizationToken");

    aws.fault("GetAuthorizationToken", {
      status: 403,
      code: "InvalidSignatureException",
      message: `The request signature we calculated does not match; key ${SECRET_KEY}`,
    });
    const sig = await failure(() => gen.generate(spec(), ctx));
    assert.match(sig.message, /^spec\.auth: codeartifact:GetAuthorizationToken was refused: InvalidSignatureException/);
    assert.ok(!sig.message.includes(SECRET_KEY), sig.message);
    assert.match(sig.message, /\[redacted\]/);

    const stranger = new MemoryKubeAccess().setSecret("team-a", "aws-creds", { id: "AKIDUNKNOWN", secret: "x-y-z-w" });
    const unknown = await failure(() => gen.generate(spec(), { kube: stranger, namespace: "team-a" }));
    assert.match(
      unknown.message,
      /^spec\.auth: codeartifact:GetAuthorizationToken was refused: UnrecognizedClientException/,
    );
  });

  test("throttling is retried; a hanging endpoint times out naming spec.region; a 5xx names the status", async () => {
    aws.fault("GetAuthorizationToken", { status: 429, code: "ThrottlingException", message: "Rate exceeded" });
    const out = await gen.generate(spec(), ctx);
    assert.equal(out.data.authorizationToken?.toString(), aws.codeArtifactTokens.at(-1)?.token);
    assert.equal(aws.count("GetAuthorizationToken"), 2);

    aws.requests.length = 0;
    aws.fault("GetAuthorizationToken", { hang: true }, 2);
    const timedOut = await failure(() => gen.generate(spec(), ctx));
    assert.match(
      timedOut.message,
      new RegExp(
        `^spec\\.region "${REGION}": codeartifact:GetAuthorizationToken timed out \\(no answer within ${TIMEOUT_MS} ms`,
      ),
    );
    assert.equal(aws.count("GetAuthorizationToken"), 2);

    aws.fault("GetAuthorizationToken", { status: 500, code: "InternalServerException", message: "boom" }, 2);
    const server = await failure(() => gen.generate(spec(), ctx));
    assert.match(
      server.message,
      /^spec\.region "eu-central-1": codeartifact:GetAuthorizationToken failed: InternalServerException \(HTTP 500\)/,
    );
  });

  test("tenancy: another namespace's Secret and the operator's own identity are refused", async () => {
    const other = {
      secretRef: {
        accessKeyIDSecretRef: { name: "aws-creds", key: "id", namespace: "team-b" },
        secretAccessKeySecretRef: { name: "aws-creds", key: "secret", namespace: "team-b" },
      },
    };
    const cross = await failure(() => gen.generate(spec({ auth: other }), ctx));
    assert.match(cross.message, /spec\.auth\.secretRef\.accessKeyIDSecretRef\.namespace: a SecretStore may not/);

    configureTenantPolicy({ refuseAmbientCredentials: true });
    const ambient = await failure(() => gen.generate(spec({ auth: undefined }), ctx));
    assert.match(ambient.message, /^spec\.auth: a SecretStore or generator must set/);
    assert.equal(aws.requests.length, 0);
  });

  test("manifest validation: required fields and upstream's durationSeconds rule, namespaced and in a ClusterGenerator", () => {
    const manifest = (s: unknown) => ({
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "CodeArtifactAuthorizationToken",
      metadata: { name: "packages", namespace: "team-a" },
      spec: s,
    });
    assert.deepEqual(validationErrors(manifest({ region: REGION, domain: DOMAIN, domainOwner: OWNER })), []);
    assert.deepEqual(
      validationErrors(manifest({ region: REGION, domain: DOMAIN, domainOwner: OWNER, durationSeconds: 0 })),
      [],
    );
    const missing = JSON.stringify(validationErrors(manifest({ region: REGION, domain: DOMAIN })));
    assert.match(missing, /spec\.domainOwner.*is required/);
    const short = validationErrors(
      manifest({ region: REGION, domain: DOMAIN, domainOwner: OWNER, durationSeconds: 100 }),
    );
    assert.match(JSON.stringify(short), /spec\.durationSeconds.*must be 0 or between 900 and 43200/);
    const cluster = validationErrors({
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "ClusterGenerator",
      metadata: { name: "shared" },
      spec: {
        kind: "CodeArtifactAuthorizationToken",
        generator: {
          codeArtifactAuthorizationTokenSpec: {
            region: REGION,
            domain: DOMAIN,
            domainOwner: OWNER,
            durationSeconds: 50_000,
          },
        },
      },
    });
    assert.match(JSON.stringify(cluster), /spec\.generator\.codeArtifactAuthorizationTokenSpec\.durationSeconds/);
  });

  test("is registered under upstream's kind, ClusterGenerator key and plural", () => {
    assert.ok(builtinGenerators.includes(codeArtifactAuthorizationTokenGenerator));
    assert.equal(codeArtifactAuthorizationTokenGenerator.kind, "CodeArtifactAuthorizationToken");
    assert.equal(generatorKinds.CodeArtifactAuthorizationToken.clusterKey, "codeArtifactAuthorizationTokenSpec");
    assert.equal(generatorKinds.CodeArtifactAuthorizationToken.plural, "codeartifactauthorizationtokens");
  });
});
