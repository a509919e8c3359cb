/**
 * GCRAccessToken against the loopback Google fake: the documented keys (username oauth2accesstoken, password the
 * access token, expiry in Unix seconds) for each auth method (service account key, GKE workload identity,
 * workload identity federation with a ServiceAccount or AWS keys), failures naming the field or the call and
 * status without credential material, and tenancy (only the requesting namespace, no ambient identity when refused).
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { GCRAccessTokenSpec } from "../../src/api/generators/gcr.js";
import { gcrAccessTokenGenerator } from "../../src/generators/gcr/index.js";
import { type GeneratorContext, GeneratorError } from "../../src/generators/generator.js";
import { ProviderThrottledError } from "../../src/providers/errors.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { type GcpFake, pointGoogleClientsAt, startGcpFake } from "../fakes/gcpsm-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const NS = "team-a";
const PROJECT = "registry-project";
const KEY_SA = "puller@registry-project.iam.gserviceaccount.com";
const GSA = "gcr-reader@registry-project.iam.gserviceaccount.com";
const POOL = `${PROJECT}.svc.id.goog`;
const GKE_AUDIENCE = `identitynamespace:${POOL}:https://container.googleapis.com/v1/projects/${PROJECT}/locations/europe-west1/clusters/prod`;
const WIF_AUDIENCE =
  "//iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/pool/providers/k8s-provider";
const AWS_KEY_ID = "AKIDGCRTEST";
const AWS_SECRET = "gcr-aws-secret-value";

let fake: GcpFake;
let kube: MemoryKubeAccess;
let restoreEnv: () => void;
let saKeyJson: string;
let privateKeyPem: string;

const ctx = (over: Partial<GeneratorContext> = {}): GeneratorContext => ({ kube, namespace: NS, ...over });
const generate = (spec: unknown, c = ctx()) => gcrAccessTokenGenerator.generate(spec as GCRAccessTokenSpec, c);
const text = (data: Record<string, Buffer>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString()]));
const keyAuth = (name = "gcr-key") => ({
  secretRef: { secretAccessKeySecretRef: { name, key: "key.json" } },
});
const gkeAuth = (sa = "puller", extra: Record<string, unknown> = {}) => ({
  workloadIdentity: {
    serviceAccountRef: { name: sa },
    clusterLocation: "europe-west1",
    clusterName: "prod",
    ...extra,
  },
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail("expected a rejection");
}

/** No error may quote a credential: the private key, the AWS secret, or any access token the fake issued. */
function assertNoCredential(err: Error): void {
  const keyBody = privateKeyPem.split("\n")[1]!;
  for (const s of [keyBody, AWS_SECRET, "ya29."]) assert.ok(!err.message.includes(s), `error leaks ${s.slice(0, 8)}`);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

before(async () => {
  fake = await startGcpFake();
  restoreEnv = pointGoogleClientsAt(fake.url);
  saKeyJson = fake.newServiceAccountKey(KEY_SA);
  privateKeyPem = JSON.parse(saKeyJson).private_key;
});

after(async () => {
  restoreEnv();
  await fake.close();
});

beforeEach(() => {
  fake.tokenFaults.length = 0;
  fake.requests.length = 0;
  fake.tokenKinds.length = 0;
  fake.stsExchanges.length = 0;
  fake.impersonable.clear();
  fake.awsKeys.clear();
  fake.metadataToken = false;
  fake.metadataAttributes = {};
  fake.sts = (audience, token) => {
    const claims = kube.verifyToken(token);
    if (!claims) return false;
    // GKE's pool takes tokens for the pool; a federation provider takes what its serviceAccountRef asked for.
    return audience === GKE_AUDIENCE ? claims.aud.includes(POOL) : audience === WIF_AUDIENCE;
  };
  kube = new MemoryKubeAccess()
    .setSecret(NS, "gcr-key", { "key.json": saKeyJson })
    .setSecret(NS, "not-a-key", { "key.json": "this is not JSON" })
    .setSecret("team-b", "gcr-key", { "key.json": saKeyJson })
    .setSecret(NS, "aws", { aws_access_key_id: AWS_KEY_ID, aws_secret_access_key: AWS_SECRET })
    .setServiceAccount(NS, "puller", { "iam.gke.io/gcp-service-account": GSA })
    .setServiceAccount(NS, "plain")
    .setServiceAccount("team-b", "puller", { "iam.gke.io/gcp-service-account": GSA });
});

afterEach(() => configureTenantPolicy());

describe("GCRAccessToken output", () => {
  test("a service account key yields exactly username, password and expiry, as upstream", async () => {
    const before = nowSeconds();
    const { data, state } = await generate({ projectID: PROJECT, auth: keyAuth() });
    const out = text(data);
    assert.deepEqual(Object.keys(out).sort(), ["expiry", "password", "username"]);
    assert.equal(out.username, "oauth2accesstoken");
    assert.equal(fake.tokenKind(out.password!), "jwt", "the password is the access token Google issued for the key");
    assert.match(out.expiry!, /^\d+$/, "expiry is Unix seconds");
    // The fake's token endpoint answers expires_in 3599.
    const expiry = Number(out.expiry);
    assert.ok(expiry >= before + 3599 && expiry <= nowSeconds() + 3599, `expiry ${expiry} is now + 3599s`);
    assert.equal(state, undefined, "an access token needs no cleanup");
  });

  test("every run returns a fresh token", async () => {
    const a = text((await generate({ projectID: PROJECT, auth: keyAuth() })).data);
    const b = text((await generate({ projectID: PROJECT, auth: keyAuth() })).data);
    assert.notEqual(a.password, b.password);
  });
});

describe("GCRAccessToken auth.workloadIdentity (GKE)", () => {
  test("exchanges the ServiceAccount's token at STS and impersonates its annotated Google service account", async () => {
    fake.impersonable.add(GSA);
    const out = text((await generate({ projectID: PROJECT, auth: gkeAuth() })).data);
    assert.equal(fake.tokenKind(out.password!), `impersonate:${GSA}`);
    // projectID stands in for clusterProjectID: the pool and provider of the cluster project.
    assert.deepEqual(
      fake.stsExchanges.map((e) => [e.audience, e.accepted]),
      [[GKE_AUDIENCE, true]],
    );
    assert.deepEqual(
      kube.issued.map((t) => [t.namespace, t.serviceAccount, t.audiences]),
      [[NS, "puller", [POOL]]],
    );
    const expiry = Number(out.expiry);
    assert.ok(Math.abs(expiry - (nowSeconds() + 3600)) <= 2, "expiry is the impersonated token's expireTime");
  });

  test("without the annotation the federated STS token is the password", async () => {
    const out = text((await generate({ projectID: PROJECT, auth: gkeAuth("plain") })).data);
    assert.equal(fake.tokenKind(out.password!), "sts");
    assert.equal(out.username, "oauth2accesstoken");
  });

  test("clusterProjectID wins over projectID; location and name come from the metadata server when unset", async () => {
    fake.metadataAttributes = { "cluster-location": "europe-west1", "cluster-name": "prod" };
    const auth = { workloadIdentity: { serviceAccountRef: { name: "plain" }, clusterProjectID: PROJECT } };
    const out = text((await generate({ projectID: "some-other-project", auth })).data);
    assert.equal(fake.tokenKind(out.password!), "sts");
    assert.equal(fake.stsExchanges[0]?.audience, GKE_AUDIENCE);
  });

  test("a denied impersonation names the call and status", async () => {
    const err = await rejection(generate({ projectID: PROJECT, auth: gkeAuth() }));
    assert.ok(err instanceof GeneratorError);
    assert.match(err.message, new RegExp(`^gcr: impersonate ${GSA}: HTTP 403`));
    assertNoCredential(err);
  });
});

describe("GCRAccessToken auth.workloadIdentityFederation", () => {
  test("serviceAccountRef: a token for the ServiceAccount's audiences, exchanged for the given audience", async () => {
    fake.impersonable.add(GSA);
    const auth = {
      workloadIdentityFederation: {
        serviceAccountRef: { name: "puller", audiences: [WIF_AUDIENCE] },
        audience: WIF_AUDIENCE,
      },
    };
    const out = text((await generate({ projectID: PROJECT, auth })).data);
    assert.equal(fake.tokenKind(out.password!), `impersonate:${GSA}`);
    assert.deepEqual(
      fake.stsExchanges.map((e) => [e.audience, e.subjectTokenType, e.accepted]),
      [[WIF_AUDIENCE, "urn:ietf:params:oauth:token-type:jwt", true]],
    );
  });

  test("awsSecurityCredentials: a signed GetCallerIdentity request is the subject token", async () => {
    fake.awsKeys.set(AWS_KEY_ID, { secret: AWS_SECRET });
    const auth = {
      workloadIdentityFederation: {
        awsSecurityCredentials: { region: "eu-west-1", awsCredentialsSecretRef: { name: "aws" } },
        audience: WIF_AUDIENCE,
      },
    };
    const out = text((await generate({ projectID: PROJECT, auth })).data);
    assert.equal(fake.tokenKind(out.password!), "sts");
    assert.equal(fake.stsExchanges[0]?.subjectTokenType, "urn:ietf:params:aws:token-type:aws4_request");
  });

  test("an AWS key Google does not know is refused at STS, without the secret in the error", async () => {
    const auth = {
      workloadIdentityFederation: {
        awsSecurityCredentials: { region: "eu-west-1", awsCredentialsSecretRef: { name: "aws" } },
        audience: WIF_AUDIENCE,
      },
    };
    const err = await rejection(generate({ projectID: PROJECT, auth }));
    assert.ok(err instanceof GeneratorError);
    assert.match(err.message, /^gcr: STS token exchange: HTTP 400: invalid_grant/);
    assertNoCredential(err);
  });

  test("a credConfig file source reads the operator's filesystem and is refused for generators", async () => {
    kube.setConfigMap(NS, "cred", {
      "config.json": JSON.stringify({
        type: "external_account",
        audience: WIF_AUDIENCE,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: "https://sts.googleapis.com/v1/token",
        credential_source: { file: "/etc/hostname" },
      }),
    });
    const auth = { workloadIdentityFederation: { credConfig: { name: "cred", key: "config.json" } } };
    const err = await rejection(generate({ projectID: PROJECT, auth }));
    assert.match(err.message, /spec\.auth\.workloadIdentityFederation\.credConfig: credential_source\.file/);
    assert.equal(fake.stsExchanges.length, 0);
  });
});

describe("GCRAccessToken failures", () => {
  test("spec errors name the field before any credential is read", async () => {
    const cases: [unknown, RegExp][] = [
      [{ auth: keyAuth() }, /spec\.projectID: is required/],
      [
        { projectID: PROJECT, auth: { ...keyAuth(), ...gkeAuth() } },
        /spec\.auth: only one of secretRef, workloadIdentity or workloadIdentityFederation/,
      ],
      [
        { projectID: PROJECT, auth: { workloadIdentityFederation: { serviceAccountRef: { name: "puller" } } } },
        /spec\.auth\.workloadIdentityFederation\.audience: is required/,
      ],
      [
        { projectID: PROJECT, auth: { secretRef: {} } },
        /spec\.auth\.secretRef\.secretAccessKeySecretRef: name and key/,
      ],
    ];
    for (const [spec, re] of cases) {
      const err = await rejection(generate(spec));
      assert.ok(err instanceof GeneratorError, String(re));
      assert.match(err.message, re);
    }
    assert.equal(kube.secretReads, 0);
    assert.equal(fake.requests.length, 0);
  });

  test("a missing Secret or a value that is not a key names the field, never the value", async () => {
    const missing = await rejection(generate({ projectID: PROJECT, auth: keyAuth("absent") }));
    assert.match(missing.message, /spec\.auth\.secretRef\.secretAccessKeySecretRef: Secret team-a\/absent not found/);
    const bad = await rejection(generate({ projectID: PROJECT, auth: keyAuth("not-a-key") }));
    assert.match(bad.message, /spec\.auth\.secretRef\.secretAccessKeySecretRef: is not a service account key JSON/);
    assert.ok(!bad.message.includes("this is not JSON"));
  });

  test("a key Google does not know is refused by the token endpoint", async () => {
    const stranger = fake.newServiceAccountKey("stranger@elsewhere.iam.gserviceaccount.com");
    fake.serviceAccounts.delete("stranger@elsewhere.iam.gserviceaccount.com");
    kube.setSecret(NS, "stranger", { "key.json": stranger });
    const err = await rejection(generate({ projectID: PROJECT, auth: keyAuth("stranger") }));
    assert.ok(err instanceof GeneratorError);
    assert.match(err.message, /^gcr: service account token: HTTP 400: invalid_grant/);
    assert.ok(!err.message.includes(JSON.parse(stranger).private_key.split("\n")[1]));
  });

  test("throttling keeps its class; a 5xx names the call and status", async () => {
    fake.tokenFaults.push(429);
    const throttled = await rejection(generate({ projectID: PROJECT, auth: keyAuth() }));
    assert.ok(throttled instanceof ProviderThrottledError);
    assert.match(throttled.message, /gcr: service account token: throttled \(HTTP 429\)/);
    fake.tokenFaults.push(503);
    const down = await rejection(generate({ projectID: PROJECT, auth: gkeAuth("plain") }));
    assert.ok(down instanceof GeneratorError);
    assert.match(down.message, /^gcr: STS token exchange: HTTP 503/);
  });

  test("an aborted run stops without a token", async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await rejection(generate({ projectID: PROJECT, auth: keyAuth() }, ctx({ signal: controller.signal })));
    assert.match(err.message, /abort/i);
    assert.equal(fake.requests.length, 0, "no token call reached Google");
  });
});

describe("GCRAccessToken tenancy", () => {
  test("credentials are read in the requesting namespace only", async () => {
    const key = await rejection(
      generate({
        projectID: PROJECT,
        auth: { secretRef: { secretAccessKeySecretRef: { name: "gcr-key", key: "key.json", namespace: "team-b" } } },
      }),
    );
    assert.match(
      key.message,
      /spec\.auth\.secretRef\.secretAccessKeySecretRef\.namespace: .* may not reference another namespace/,
    );
    const sa = await rejection(
      generate({
        projectID: PROJECT,
        auth: gkeAuth("puller", { serviceAccountRef: { name: "puller", namespace: "team-b" } }),
      }),
    );
    assert.match(
      sa.message,
      /spec\.auth\.workloadIdentity\.serviceAccountRef\.namespace: .* may not reference another namespace/,
    );
    assert.equal(kube.issued.length, 0, "no token was requested for another namespace's ServiceAccount");
  });

  test("without auth, the operator's Google identity is used only when the tenant policy allows it", async () => {
    fake.metadataToken = true;
    configureTenantPolicy({ refuseAmbientCredentials: true });
    const refused = await rejection(generate({ projectID: PROJECT, auth: {} }));
    assert.match(refused.message, /spec\.auth: a SecretStore or generator must set auth\.secretRef/);
    assert.equal(fake.tokenKinds.length, 0);
    configureTenantPolicy();
    const out = text((await generate({ projectID: PROJECT, auth: {} })).data);
    assert.equal(fake.tokenKind(out.password!), "metadata", "upstream falls back to application default credentials");
  });
});
