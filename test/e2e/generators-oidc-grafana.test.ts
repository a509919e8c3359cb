/**
 * QuayAccessToken, CloudsmithAccessToken and Grafana end to end: ExternalSecrets through the running controllers
 * and the in-process API server, whose TokenRequests the Quay and Cloudsmith fakes verify against the server's
 * issuer key (RS256 signature, issuer, subject, audience, expiry). The Grafana token is recorded as a
 * GeneratorState and deleted from Grafana once the ExternalSecret goes; a refusing service leaves Ready=False and
 * no Secret.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { QUAY_CA_BUNDLE_ENV } from "../../src/generators/quay/index.js";
import { GENERATOR_STATES, SERVICE_ACCOUNTS } from "../../src/kube/index.js";
import { FakeCloudsmith } from "../fakes/cloudsmith-server.js";
import { rs256Signature } from "../fakes/federation-token.js";
import { FakeGrafana } from "../fakes/grafana-server.js";
import { FakeQuay } from "../fakes/quay-server.js";
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
  setEnv,
  useHarness,
} from "../support/world.js";

const NS = "registries";
const API = "generators.external-secrets.io/v1alpha1";
const ROBOT = "acme+deployer";
const GRAFANA_TOKEN = "glsa_e2e_admin";
let quay: FakeQuay;
let cloudsmith: FakeCloudsmith;
let grafana: FakeGrafana;
let dir: string;
let restoreEnv: () => void;

before(async () => {
  grafana = await new FakeGrafana().start();
  grafana.adminToken(GRAFANA_TOKEN);
  dir = mkdtempSync(join(tmpdir(), "quay-e2e-"));
});

const h = useHarness({}, async (h) => {
  const { issuer, publicKeyPem } = h.api.serviceAccountIssuer;
  const check = rs256Signature(publicKeyPem);
  const subject = `system:serviceaccount:${NS}:registry-sync`;
  quay = await new FakeQuay(check).start();
  quay.federate(ROBOT, { issuer, subject, audience: "quay.example.com" });
  cloudsmith = await new FakeCloudsmith(check).start();
  cloudsmith.service("acme", "deployer", { issuer, subject, audience: "https://api.cloudsmith.io" });
  writeFileSync(join(dir, "ca.pem"), quay.caPem);
  restoreEnv = setEnv({ [QUAY_CA_BUNDLE_ENV]: join(dir, "ca.pem") });

  await createNamespace(h, NS);
  await h.client.create(SERVICE_ACCOUNTS, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "registry-sync", namespace: NS },
  });
  await h.client.create(SECRETS, secretManifest(NS, "grafana-admin", { token: GRAFANA_TOKEN }));
});

after(async () => {
  restoreEnv?.();
  await quay?.stop();
  await cloudsmith?.stop();
  await grafana.stop();
  rmSync(dir, { recursive: true, force: true });
});

const readData = (name: string) => secretData(h, NS, name);
const withKey = (name: string, key: string) =>
  eventually(
    async () => {
      const d = await readData(name);
      return d[key] ? d : undefined;
    },
    { timeoutMs: 15_000, what: `${name}.${key}` },
  );

describe("OIDC-federated registry tokens through an ExternalSecret", () => {
  it("QuayAccessToken writes registry, auth and expiry from a robot token", async () => {
    await h.client.create(gen("quayaccesstokens"), {
      apiVersion: API,
      kind: "QuayAccessToken",
      metadata: { name: "quay", namespace: NS },
      spec: {
        url: quay.host,
        robotAccount: ROBOT,
        serviceAccountRef: { name: "registry-sync", audiences: ["quay.example.com"] },
      },
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("quay-login", NS, fromGenerator("QuayAccessToken", "quay")));
    const data = await withKey("quay-login", "auth");
    const issued = quay.issued.at(-1)!;
    assert.equal(data.registry, quay.host);
    assert.equal(Buffer.from(data.auth!, "base64").toString(), `${ROBOT}:${issued.token}`);
    assert.equal(data.expiry, String(issued.exp));
  });

  it("a ClusterGenerator wrapping quayAccessTokenSpec federates the requesting namespace's ServiceAccount", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-quay" },
      spec: {
        kind: "QuayAccessToken",
        generator: {
          quayAccessTokenSpec: {
            url: quay.host,
            robotAccount: ROBOT,
            serviceAccountRef: { name: "registry-sync", audiences: ["quay.example.com"] },
          },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("quay-shared", NS, fromGenerator("ClusterGenerator", "shared-quay")),
    );
    const data = await withKey("quay-shared", "auth");
    assert.equal(data.registry, quay.host);
  });

  it("CloudsmithAccessToken writes auth and expiry from an OIDC exchange", async () => {
    await h.client.create(gen("cloudsmithaccesstokens"), {
      apiVersion: API,
      kind: "CloudsmithAccessToken",
      metadata: { name: "cloudsmith", namespace: NS },
      spec: {
        apiUrl: cloudsmith.url,
        orgSlug: "acme",
        serviceSlug: "deployer",
        serviceAccountRef: { name: "registry-sync", audiences: ["https://api.cloudsmith.io"] },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("cloudsmith-login", NS, fromGenerator("CloudsmithAccessToken", "cloudsmith")),
    );
    const data = await withKey("cloudsmith-login", "auth");
    const issued = cloudsmith.issued.at(-1)!;
    assert.equal(Buffer.from(data.auth!, "base64").toString(), `token:${issued.token}`);
    assert.equal(data.expiry, String(issued.exp));
  });

  it("a refusing service gives Ready=False naming the field, and no Secret", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "cloudsmith-wrong" },
      spec: {
        kind: "CloudsmithAccessToken",
        generator: {
          cloudsmithAccessTokenSpec: {
            apiUrl: cloudsmith.url,
            orgSlug: "acme",
            serviceSlug: "deployer",
            // The default audience is not the one Cloudsmith's OIDC service accepts.
            serviceAccountRef: { name: "registry-sync" },
          },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("cloudsmith-refused", NS, fromGenerator("ClusterGenerator", "cloudsmith-wrong")),
    );
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "cloudsmith-refused");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /spec\.serviceSlug: .*HTTP 401/);
    assert.equal(cloudsmith.lastRefusal, "audience");
    assert.equal(await h.client.get(SECRETS, NS, "cloudsmith-refused"), undefined);
  });
});

describe("Grafana through an ExternalSecret", () => {
  it("writes login and token, records the token as a GeneratorState, and deletes it when the ExternalSecret goes", async () => {
    await h.client.create(gen("grafanas"), {
      apiVersion: API,
      kind: "Grafana",
      metadata: { name: "grafana", namespace: NS },
      spec: {
        url: grafana.url,
        auth: { token: { name: "grafana-admin", key: "token" } },
        serviceAccount: { name: "eso-dashboards", role: "Viewer" },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("grafana-token", NS, { refreshInterval: "1h", ...fromGenerator("Grafana", "grafana") }),
    );
    const data = await withKey("grafana-token", "token");
    const sa = grafana.tokenOwner(data.token!);
    assert.ok(sa, "the written token is live in Grafana");
    assert.equal(data.login, sa.login);
    assert.equal(sa.role, "Viewer");

    const states = async () =>
      (await h.client.list(GENERATOR_STATES, NS)).filter((s: any) => s.spec.resource?.kind === "Grafana");
    const [state] = await eventually(async () => {
      const s = await states();
      return s.length ? s : undefined;
    });
    assert.deepEqual((state as any).spec.state, {
      serviceAccount: { id: sa.id, login: sa.login, tokenID: [...sa.tokens.keys()][0] },
    });

    await h.client.delete(EXTERNAL_SECRETS, NS, "grafana-token");
    await eventually(async () => (await states()).length === 0, { timeoutMs: 20_000, what: "state collected" });
    assert.equal(grafana.tokenOwner(data.token!), undefined, "the token was deleted from Grafana");
    assert.equal(grafana.deletedTokens.length, 1);
  });
});
