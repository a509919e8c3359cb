/**
 * ArtifactoryAccessToken end to end: ExternalSecrets through the running controllers and the in-process API
 * server. The OIDC exchange presents a TokenRequest the JFrog fake verifies against the API server's issuer key;
 * the reference-token path sends the bootstrap token from a Secret. A refusing service leaves Ready=False naming
 * the field, and no Secret.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { SERVICE_ACCOUNTS } from "../../src/kube/index.js";
import { FakeArtifactory } from "../fakes/artifactory-server.js";
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
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "jfrog";
const API = "generators.external-secrets.io/v1alpha1";
const BOOTSTRAP = "cmVmdGtuOjAxOmUyZS1ib290c3RyYXA";
let jf: FakeArtifactory;

const h = useHarness({}, async (h) => {
  const { issuer, publicKeyPem } = h.api.serviceAccountIssuer;
  jf = await new FakeArtifactory(rs256Signature(publicKeyPem)).start();
  jf.provider("k8s", {
    rule: { issuer, subject: `system:serviceaccount:${NS}:image-puller`, audience: "jfrog" },
    username: "k8s-image-puller",
    providerType: "GenericOidc",
  });
  jf.bootstrap(BOOTSTRAP, "ci-admin");
  await createNamespace(h, NS);
  await h.client.create(SERVICE_ACCOUNTS, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "image-puller", namespace: NS },
  });
  await h.client.create(SECRETS, secretManifest(NS, "jfrog-bootstrap", { token: BOOTSTRAP }));
});

after(async () => {
  await jf?.stop();
});

const withKey = (name: string, key: string) =>
  eventually(
    async () => {
      const d = await secretData(h, NS, name);
      return d[key] ? d : undefined;
    },
    { timeoutMs: 15_000, what: `${name}.${key}` },
  );

describe("ArtifactoryAccessToken through an ExternalSecret", () => {
  it("OIDC: writes registry, access_token, username, auth and expiry from a ServiceAccount token exchange", async () => {
    await h.client.create(gen("artifactoryaccesstokens"), {
      apiVersion: API,
      kind: "ArtifactoryAccessToken",
      metadata: { name: "jfrog-oidc", namespace: NS },
      spec: {
        url: jf.url,
        registry: "docker.acme.example",
        auth: { oidc: { providerName: "k8s", serviceAccountRef: { name: "image-puller", audiences: ["jfrog"] } } },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("jfrog-oidc-login", NS, fromGenerator("ArtifactoryAccessToken", "jfrog-oidc")),
    );
    const data = await withKey("jfrog-oidc-login", "auth");
    const issued = jf.issued.find((t) => t.via === "oidc")!;
    assert.equal(data.registry, "docker.acme.example");
    assert.equal(data.access_token, issued.accessToken);
    assert.equal(data.username, "k8s-image-puller");
    assert.equal(Buffer.from(data.auth!, "base64").toString(), `k8s-image-puller:${issued.accessToken}`);
    assert.match(data.expiry!, /^\d{10}$/);
  });

  it("a ClusterGenerator wrapping artifactoryAccessTokenSpec creates a scoped token with the namespace's Secret", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "jfrog-shared" },
      spec: {
        kind: "ArtifactoryAccessToken",
        generator: {
          artifactoryAccessTokenSpec: {
            url: jf.url,
            auth: {
              referenceToken: {
                token: { name: "jfrog-bootstrap", key: "token" },
                scope: "applied-permissions/user",
                expiresIn: 900,
                includeReferenceToken: true,
              },
            },
          },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("jfrog-ref-login", NS, fromGenerator("ClusterGenerator", "jfrog-shared")),
    );
    const data = await withKey("jfrog-ref-login", "auth");
    const issued = jf.issued.find((t) => t.via === "tokens")!;
    assert.equal(data.registry, new URL(jf.url).host);
    assert.equal(data.reference_token, issued.referenceToken);
    assert.equal(Buffer.from(data.auth!, "base64").toString(), `${issued.sub}:${issued.referenceToken}`);
    assert.equal(issued.body.expires_in, 900);
  });

  it("a refused bootstrap token gives Ready=False naming the field, and no Secret", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "jfrog-revoked", { token: "cmVmdGtuOjAxOnJldm9rZWQ" }));
    await h.client.create(gen("artifactoryaccesstokens"), {
      apiVersion: API,
      kind: "ArtifactoryAccessToken",
      metadata: { name: "jfrog-revoked", namespace: NS },
      spec: {
        url: jf.url,
        auth: {
          referenceToken: { token: { name: "jfrog-revoked", key: "token" }, scope: "applied-permissions/user" },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("jfrog-refused", NS, fromGenerator("ArtifactoryAccessToken", "jfrog-revoked")),
    );
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "jfrog-refused");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /spec\.auth\.referenceToken\.token: .*HTTP 401/);
    assert.doesNotMatch(cond.message!, /cmVmdGtu/);
    assert.equal(await h.client.get(SECRETS, NS, "jfrog-refused"), undefined);
  });
});
