import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { StoreConfigError } from "../../src/providers/errors.js";
import { gcpSMProvider } from "../../src/providers/gcpsm/index.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { type GcpFake, pointGoogleClientsAt, startGcpFake } from "../fakes/gcpsm-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const AUDIENCE = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k8s";

describe("gcpsm projectID is optional, as upstream", () => {
  let fake: GcpFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let restoreEnv: () => void;

  before(async () => {
    fake = await startGcpFake();
    restoreEnv = pointGoogleClientsAt(fake.url);
  });
  after(async () => {
    restoreEnv();
    await fake.close();
  });
  beforeEach(() => {
    fake.secrets.clear();
    fake.metadataProjectID = undefined;
    fake.metadataAttributes = {};
    fake.addSecret("projects/node-project/secrets/token", ["from-node-project"]);
    fake.addSecret("projects/cluster-project/secrets/token", ["from-cluster-project"]);
    kube = new MemoryKubeAccess().setServiceAccount("team", "reader");
    fake.sts = (_audience, token) => !!kube.verifyToken(token);
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "gcp", namespace: "team" };
  });

  const read = async (spec: unknown) =>
    (await (await gcpSMProvider.newClient(spec as any, ctx)).getSecret({ key: "token" })).toString();
  const federation = { workloadIdentityFederation: { serviceAccountRef: { name: "reader" }, audience: AUDIENCE } };

  test("without projectID, the node's project from the metadata server", async () => {
    fake.metadataProjectID = "node-project";
    const spec = { auth: federation };
    assert.deepEqual(gcpSMProvider.validate(spec as any, "SecretStore").errors, []);
    assert.equal(await read(spec), "from-node-project");
  });

  test("without projectID, workloadIdentity.clusterProjectID before the metadata server", async () => {
    fake.metadataProjectID = "node-project";
    fake.metadataAttributes = { "cluster-location": "europe-west1", "cluster-name": "c1" };
    const spec = {
      auth: { workloadIdentity: { serviceAccountRef: { name: "reader" }, clusterProjectID: "cluster-project" } },
    };
    assert.equal(await read(spec), "from-cluster-project");
  });

  test("off Google Cloud without projectID: a config error naming the field", async () => {
    await assert.rejects(
      read({ auth: federation }),
      (e: Error) => e instanceof StoreConfigError && /projectID/.test(e.message),
    );
  });

  test("a static key needs projectID (the metadata server is never asked)", async () => {
    fake.metadataProjectID = "node-project";
    const spec = { auth: { secretRef: { secretAccessKeySecretRef: { name: "k", key: "k" } } } };
    assert.deepEqual(gcpSMProvider.validate(spec as any, "SecretStore").errors, [
      "spec.provider.gcpsm.projectID: is required with auth.secretRef",
    ]);
  });
});
