/**
 * BeyondtrustWorkloadCredentialsDynamicSecret end to end: ExternalSecrets through the running controllers and the
 * in-process API server, against the loopback HTTPS fake: the Secret gets upstream's keys (directly and through a
 * ClusterGenerator), a refresh brings fresh credentials, and a failing service gives Ready=False naming the call
 * with no Secret written, not even the part another generator produced.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FAKE_SITE_ID, FakeBeyondtrust } from "../fakes/beyondtrust-server.js";
import { gen } from "../support/generator-refs.js";
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

const NS = "bt";
const API = "generators.external-secrets.io/v1alpha1";
const KIND = "BeyondtrustWorkloadCredentialsDynamicSecret";
const API_KEY = "bt-e2e-api-key-93c1";

const BT = gen("beyondtrustworkloadcredentialsdynamicsecrets");

const fromGenerators = (...refs: [string, string][]) => ({
  dataFrom: refs.map(([kind, name]) => ({ sourceRef: { generatorRef: { apiVersion: API, kind, name } } })),
});

let bt: FakeBeyondtrust;

before(async () => {
  bt = await new FakeBeyondtrust().start();
  bt.addApiKey(API_KEY).define("production/aws-temp").define("ci/iam-user", { sessionToken: false });
});

after(async () => {
  await bt.stop();
});

function providerSpec(folderPath: string) {
  return {
    auth: { apikey: { token: { name: "bt-token", key: "token" } } },
    server: { apiUrl: bt.apiUrl, siteId: FAKE_SITE_ID },
    folderPath,
    caProvider: { type: "ConfigMap", name: "bt-ca", key: "ca.crt" },
  };
}

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "bt-token", { token: API_KEY }));
  await h.client.create(
    { group: "", version: "v1", plural: "configmaps", namespaced: true },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bt-ca", namespace: NS }, data: { "ca.crt": bt.caPem } },
  );
  await h.client.create(BT, {
    apiVersion: API,
    kind: KIND,
    metadata: { name: "aws-temp", namespace: NS },
    spec: { provider: providerSpec("production/aws-temp") },
  });
  for (const [name, path] of [
    ["bt-aws-temp", "production/aws-temp"],
    ["bt-iam-user", "ci/iam-user"],
    ["bt-missing", "production/does-not-exist"],
  ]) {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name },
      spec: {
        kind: KIND,
        generator: { beyondtrustWorkloadCredentialsDynamicSecretSpec: { provider: providerSpec(path!) } },
      },
    });
  }
  await h.client.create(gen("passwords"), {
    apiVersion: API,
    kind: "Password",
    metadata: { name: "pw", namespace: NS },
    spec: { length: 16 },
  });
});

const readData = (name: string) => secretData(h, NS, name);

describe("BeyondtrustWorkloadCredentialsDynamicSecret through an ExternalSecret", () => {
  // Needs the kind in ExternalSecret's generatorRef.kind enum (src/api/externalsecret.ts, set by the lead).
  it("writes the issued credentials under upstream's keys", async () => {
    await h.client.create(EXTERNAL_SECRETS, externalSecret("aws-creds", NS, fromGenerators([KIND, "aws-temp"])));
    const data = await eventually(async () => {
      const d = await readData("aws-creds");
      return d.accessKeyId ? d : undefined;
    });
    const issued = bt.issued.find((c) => c.accessKeyId === data.accessKeyId);
    assert.ok(issued, "the Secret holds credentials the service issued");
    assert.deepEqual(data, {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      leaseId: issued.leaseId,
      expiration: issued.expiration,
    });
    const req = bt.requests.find((r) => r.folder === "production")!;
    assert.equal(req.authorization, `Bearer ${API_KEY}`);
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "aws-creds");
      return c?.status === "True" ? c : undefined;
    });
    assert.equal(cond.status, "True");
  });

  it("a ClusterGenerator wrapping the kind works the same; no sessionToken key when none is issued", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("iam-creds", NS, fromGenerators(["ClusterGenerator", "bt-iam-user"])),
    );
    const data = await eventually(async () => {
      const d = await readData("iam-creds");
      return d.accessKeyId ? d : undefined;
    });
    assert.deepEqual(Object.keys(data).sort(), ["accessKeyId", "expiration", "leaseId", "secretAccessKey"]);
    assert.ok(bt.issued.some((c) => c.path === "ci/iam-user" && c.accessKeyId === data.accessKeyId));
  });

  it("each refresh brings fresh credentials", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("rotating", NS, { refreshInterval: "1s", ...fromGenerators(["ClusterGenerator", "bt-aws-temp"]) }),
    );
    const first = await eventually(async () => (await readData("rotating")).accessKeyId, { what: "first credentials" });
    const second = await eventually(
      async () => {
        const k = (await readData("rotating")).accessKeyId;
        return k && k !== first ? k : undefined;
      },
      { timeoutMs: 15_000, what: "rotated credentials" },
    );
    assert.notEqual(second, first);
  });

  it("a failing service: Ready=False naming the call and status, and no Secret at all", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("broken", NS, fromGenerators(["Password", "pw"], ["ClusterGenerator", "bt-missing"])),
    );
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "broken");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /generate dynamic secret "production\/does-not-exist": not found \(HTTP 404\)/);
    assert.ok(!cond.message!.includes(API_KEY));
    assert.equal(await h.client.get(SECRETS, NS, "broken"), undefined, "not even the Password's part");
  });
});
