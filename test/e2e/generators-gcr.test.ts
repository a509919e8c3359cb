/**
 * GCRAccessToken end to end: ExternalSecret -> generator (namespaced and through a ClusterGenerator) -> Secret
 * with username, password and expiry, against the loopback Google fake through the running controllers and the
 * in-process API server; a key Google refuses gives Ready=False naming the call, and no Secret.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type GcpFake, pointGoogleClientsAt, startGcpFake } from "../fakes/gcpsm-server.js";
import { fromGenerator, gen } from "../support/generator-refs.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRETS,
  secretData,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "gcr";
const API = "generators.external-secrets.io/v1alpha1";
const KEY_SA = "puller@registry-project.iam.gserviceaccount.com";

let fake: GcpFake;
let restoreEnv: () => void;

const gcrSpec = (secret: string) => ({
  projectID: "registry-project",
  auth: { secretRef: { secretAccessKeySecretRef: { name: secret, key: "key.json" } } },
});

before(async () => {
  fake = await startGcpFake();
  restoreEnv = pointGoogleClientsAt(fake.url);
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "gcr-key", { "key.json": fake.newServiceAccountKey(KEY_SA) }));
  const stranger = "stranger@elsewhere.iam.gserviceaccount.com";
  await h.client.create(
    SECRETS,
    secretManifest(NS, "unknown-key", { "key.json": fake.newServiceAccountKey(stranger) }),
  );
  fake.serviceAccounts.delete(stranger);
});

after(async () => {
  restoreEnv();
  await fake.close();
});

/** The written Secret's data once it carries a password. */
const login = (name: string) =>
  eventually(
    async () => {
      const d = await secretData(h, NS, name);
      return d.password ? d : undefined;
    },
    { timeoutMs: 15_000, what: `Secret ${name}` },
  );

describe("GCRAccessToken through an ExternalSecret", () => {
  it("writes a docker login: username oauth2accesstoken, the access token and its expiry", async () => {
    await h.client.create(gen("gcraccesstokens"), {
      apiVersion: API,
      kind: "GCRAccessToken",
      metadata: { name: "registry", namespace: NS },
      spec: gcrSpec("gcr-key"),
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("registry-login", NS, fromGenerator("GCRAccessToken", "registry")),
    );
    const data = await login("registry-login");
    assert.deepEqual(Object.keys(data).sort(), ["expiry", "password", "username"]);
    assert.equal(data.username, "oauth2accesstoken");
    assert.equal(fake.tokenKind(data.password!), "jwt");
    const inSeconds = Number(data.expiry) - Date.now() / 1000;
    assert.ok(inSeconds > 3500 && inSeconds <= 3600, `expiry is about an hour ahead (${inSeconds}s)`);
  });

  it("a ClusterGenerator with gcrAccessTokenSpec resolves the key in the requesting namespace", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-gcr" },
      spec: { kind: "GCRAccessToken", generator: { gcrAccessTokenSpec: gcrSpec("gcr-key") } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("cluster-login", NS, fromGenerator("ClusterGenerator", "shared-gcr")),
    );
    const data = await login("cluster-login");
    assert.equal(data.username, "oauth2accesstoken");
    assert.equal(fake.tokenKind(data.password!), "jwt");
  });

  it("a key Google refuses gives Ready=False naming the call, and no Secret", async () => {
    await h.client.create(gen("gcraccesstokens"), {
      apiVersion: API,
      kind: "GCRAccessToken",
      metadata: { name: "refused", namespace: NS },
      spec: gcrSpec("unknown-key"),
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("refused-login", NS, fromGenerator("GCRAccessToken", "refused")),
    );
    const cond = await eventually(
      async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "refused-login");
        return c?.status === "False" ? c : undefined;
      },
      { timeoutMs: 15_000, what: "Ready=False" },
    );
    assert.match(cond.message!, /gcr: service account token: HTTP 400/);
    assert.ok(!cond.message!.includes("PRIVATE KEY"));
    assert.equal(await h.client.get(SECRETS, NS, "refused-login"), undefined);
  });
});
