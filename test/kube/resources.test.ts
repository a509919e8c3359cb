/** The resource table: ESO kinds come from the API's own table, so the paths the client uses match the CRDs. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allCRDs } from "../../src/api/crds.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_PUSH_SECRETS,
  CLUSTER_SECRET_STORES,
  EXTERNAL_SECRETS,
  GENERATOR_STATES,
  generatorResource,
  PUSH_SECRETS,
  type ResourceDescriptor,
  resourceFor,
  resourcePath,
  SECRET_STORES,
  SECRETS,
} from "../../src/kube/index.js";

interface Crd {
  spec: {
    group: string;
    names: { plural: string; kind: string };
    scope: string;
    versions: { name: string; storage: boolean }[];
  };
}

const crds = allCRDs() as Crd[];

function crdOf(kind: string): Crd["spec"] {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  assert.ok(crd, kind);
  return crd.spec;
}

function assertMatchesCrd(rd: ResourceDescriptor): void {
  const spec = crdOf(rd.kind ?? "");
  assert.equal(rd.group, spec.group, rd.kind);
  assert.equal(rd.plural, spec.names.plural, rd.kind);
  assert.equal(rd.namespaced, spec.scope === "Namespaced", rd.kind);
  assert.equal(rd.version, spec.versions.find((v) => v.storage)?.name, rd.kind);
}

describe("resource table", () => {
  it("serves every external-secrets.io kind at the storage version its CRD declares", () => {
    for (const rd of [
      EXTERNAL_SECRETS,
      CLUSTER_EXTERNAL_SECRETS,
      SECRET_STORES,
      CLUSTER_SECRET_STORES,
      PUSH_SECRETS,
      CLUSTER_PUSH_SECRETS,
      GENERATOR_STATES,
    ]) {
      assertMatchesCrd(rd);
    }
    for (const kind of ["Password", "UUID", "Fake", "SSHKey", "VaultDynamicSecret", "Webhook", "ClusterGenerator"]) {
      assertMatchesCrd(generatorResource(kind));
    }
  });

  it("builds the paths the API server serves", () => {
    assert.equal(resourcePath(SECRETS, "ns", "a b"), "/api/v1/namespaces/ns/secrets/a%20b");
    assert.equal(
      resourcePath(EXTERNAL_SECRETS, "ns", "es", "status"),
      "/apis/external-secrets.io/v1/namespaces/ns/externalsecrets/es/status",
    );
    assert.equal(resourcePath(CLUSTER_SECRET_STORES, "ignored"), "/apis/external-secrets.io/v1/clustersecretstores");
    assert.equal(
      resourcePath(generatorResource("Nonexistent"), "ns", "x"),
      "/apis/generators.external-secrets.io/v1alpha1/namespaces/ns/nonexistents/x",
    );
  });

  it("finds a manifest's resource by apiVersion and kind", () => {
    assert.equal(resourceFor("v1", "Secret"), SECRETS);
    assert.equal(resourceFor("external-secrets.io/v1beta1", "ExternalSecret")?.version, "v1beta1");
    assert.equal(resourceFor("external-secrets.io/v2", "ExternalSecret"), undefined);
    assert.equal(resourceFor("generators.external-secrets.io/v1alpha1", "ExternalSecret"), undefined);
    assert.equal(resourceFor("apps/v1", "Deployment"), undefined);
  });
});
