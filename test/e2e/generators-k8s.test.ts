/**
 * ServiceAccountToken and Hex end to end: ExternalSecrets through the running controllers and the in-process API
 * server. The ServiceAccountToken Secret holds a token the server's issuer signed (RS256 signature, subject,
 * audiences, the requested lifetime) and its expiry; a ClusterGenerator issues it in the requesting namespace; a
 * missing ServiceAccount, a lifetime under the server's 10-minute minimum or a failing TokenRequest leaves
 * Ready=False and no Secret.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SERVICE_ACCOUNTS } from "../../src/kube/index.js";
import { rs256Signature } from "../fakes/federation-token.js";
import { fromGenerator, gen } from "../support/generator-refs.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRETS,
  secretData,
  useHarness,
} from "../support/world.js";

const NS = "gen-k8s";
const OTHER = "gen-k8s-other";
const FAILING = "gen-k8s-failing";
const API = "generators.external-secrets.io/v1alpha1";

const serviceAccount = (namespace: string, name: string) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace },
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createNamespace(h, OTHER);
  await h.client.create(SERVICE_ACCOUNTS, serviceAccount(NS, "deployer"));
  await h.client.create(SERVICE_ACCOUNTS, serviceAccount(OTHER, "deployer"));
});

const withKey = (namespace: string, name: string, key: string) =>
  eventually(
    async () => {
      const d = await secretData(h, namespace, name);
      return d[key] ? d : undefined;
    },
    { timeoutMs: 15_000, what: `${name}.${key}` },
  );

async function failure(namespace: string, name: string) {
  const cond = await eventually(async () => {
    const c = await readyCondition(h, EXTERNAL_SECRETS, namespace, name);
    return c?.status === "False" ? c : undefined;
  });
  assert.equal(await h.client.get(SECRETS, namespace, name), undefined, "no Secret is written");
  return cond.message ?? "";
}

describe("ServiceAccountToken through an ExternalSecret", () => {
  it("writes a signed token for the ServiceAccount with its expiry", async () => {
    await h.client.create(gen("serviceaccounttokens"), {
      apiVersion: API,
      kind: "ServiceAccountToken",
      metadata: { name: "deployer", namespace: NS },
      spec: { serviceAccountRef: { name: "deployer", audiences: ["vault"] }, expirationSeconds: 1200 },
    });
    const start = Math.floor(Date.now() / 1000);
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("deployer-token", NS, fromGenerator("ServiceAccountToken", "deployer", "1h")),
    );
    const data = await withKey(NS, "deployer-token", "token");
    const claims = rs256Signature(h.api.serviceAccountIssuer.publicKeyPem)(data.token!);
    assert.ok(claims, "the token carries the API server issuer's RS256 signature");
    assert.equal(claims.iss, h.api.serviceAccountIssuer.issuer);
    assert.equal(claims.sub, `system:serviceaccount:${NS}:deployer`);
    assert.deepEqual(claims.aud, ["vault"]);
    const lifetime = claims.exp - start;
    assert.ok(lifetime > 1180 && lifetime <= 1201, `lifetime ${lifetime} s`);
    assert.equal(data.expirationTimestamp, new Date(claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"));
    assert.deepEqual(Object.keys(data).sort(), ["expirationTimestamp", "token"]);
  });

  it("a ClusterGenerator issues the token for the requesting namespace's ServiceAccount", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-sa-token" },
      spec: {
        kind: "ServiceAccountToken",
        generator: { serviceAccountTokenSpec: { serviceAccountRef: { name: "deployer" } } },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("shared-token", OTHER, fromGenerator("ClusterGenerator", "shared-sa-token", "1h")),
    );
    const data = await withKey(OTHER, "shared-token", "token");
    const claims = rs256Signature(h.api.serviceAccountIssuer.publicKeyPem)(data.token!);
    assert.equal(claims?.sub, `system:serviceaccount:${OTHER}:deployer`);
    assert.deepEqual(claims?.aud, [h.api.serviceAccountIssuer.issuer], "no audiences: the server's default");
  });

  it("a missing ServiceAccount is Ready=False naming the field, with no Secret", async () => {
    await h.client.create(gen("serviceaccounttokens"), {
      apiVersion: API,
      kind: "ServiceAccountToken",
      metadata: { name: "ghost", namespace: NS },
      spec: { serviceAccountRef: { name: "ghost" } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("ghost-token", NS, fromGenerator("ServiceAccountToken", "ghost", "1h")),
    );
    assert.match(
      await failure(NS, "ghost-token"),
      /spec\.serviceAccountRef: TokenRequest for ServiceAccount gen-k8s\/ghost failed: HTTP 404/,
    );
  });

  it("a lifetime under the API server's minimum is refused by the server", async () => {
    await h.client.create(gen("serviceaccounttokens"), {
      apiVersion: API,
      kind: "ServiceAccountToken",
      metadata: { name: "too-short", namespace: NS },
      spec: { serviceAccountRef: { name: "deployer" }, expirationSeconds: 60 },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("short-token", NS, fromGenerator("ServiceAccountToken", "too-short", "1h")),
    );
    assert.match(await failure(NS, "short-token"), /HTTP 422.*10 minutes/);
  });

  it("an API server failing the TokenRequest is Ready=False with its status, and no Secret", async () => {
    await createNamespace(h, FAILING);
    await h.client.create(SERVICE_ACCOUNTS, serviceAccount(FAILING, "deployer"));
    h.api.faults.failNext({ verb: "create", resource: "serviceaccounts/token", namespace: FAILING }, 10_000, 500);
    await h.client.create(gen("serviceaccounttokens"), {
      apiVersion: API,
      kind: "ServiceAccountToken",
      metadata: { name: "deployer", namespace: FAILING },
      spec: { serviceAccountRef: { name: "deployer" } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("failing-token", FAILING, fromGenerator("ServiceAccountToken", "deployer", "1h")),
    );
    assert.match(
      await failure(FAILING, "failing-token"),
      /spec\.serviceAccountRef: TokenRequest for ServiceAccount gen-k8s-failing\/deployer failed: HTTP 500/,
    );
  });

  it("another namespace named in serviceAccountRef is refused before any TokenRequest", async () => {
    await h.client.create(gen("serviceaccounttokens"), {
      apiVersion: API,
      kind: "ServiceAccountToken",
      metadata: { name: "reach", namespace: NS },
      spec: { serviceAccountRef: { name: "deployer", namespace: OTHER } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("reach-token", NS, fromGenerator("ServiceAccountToken", "reach", "1h")),
    );
    assert.match(await failure(NS, "reach-token"), /spec\.serviceAccountRef\.namespace: is not supported/);
  });
});

describe("Hex through an ExternalSecret", () => {
  it("writes a hex string with the spec's length, case and prefix", async () => {
    await h.client.create(gen("hexes"), {
      apiVersion: API,
      kind: "Hex",
      metadata: { name: "nonce", namespace: NS },
      spec: { length: 9, uppercase: true, prefix: "0x" },
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("nonce", NS, fromGenerator("Hex", "nonce", "1h")));
    const data = await withKey(NS, "nonce", "hex");
    assert.match(data.hex!, /^0x[0-9A-F]{9}$/);
  });

  it("a ClusterGenerator with an empty hexSpec gets upstream's defaults (16 lower-case characters)", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "hex-default" },
      spec: { kind: "Hex", generator: { hexSpec: {} } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("hex-default", NS, fromGenerator("ClusterGenerator", "hex-default", "1h")),
    );
    const data = await withKey(NS, "hex-default", "hex");
    assert.match(data.hex!, /^[0-9a-f]{16}$/);
  });
});
