/**
 * Validation upstream's CRDs do that ours must match, checked through the in-process API server with our CRD
 * bundle installed: Password's required fields (filled by their defaults), SSHKey keySize bounds, the Webhook
 * generator's required `result`, and label selectors marked atomic.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { allCRDs } from "../../src/api/crds.js";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { KubeClient } from "../../src/kube/client.js";

const GEN = "/apis/generators.external-secrets.io/v1alpha1/namespaces/default";

describe("upstream validation through the API server", () => {
  let api: ApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startApiServer();
    client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
    for (const c of allCRDs()) {
      await client.request({
        method: "POST",
        path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        body: c,
      });
    }
  });
  after(async () => {
    client.close();
    await api.stop();
  });

  async function create(plural: string, kind: string, name: string, spec: unknown): Promise<any> {
    return client.request({
      method: "POST",
      path: `${GEN}/${plural}`,
      body: { apiVersion: "generators.external-secrets.io/v1alpha1", kind, metadata: { name }, spec },
    });
  }

  async function rejection(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (err) {
      return (err as Error).message;
    }
    assert.fail("expected the API server to refuse the object");
  }

  test("Password: length, noUpper and allowRepeat are required and defaulted when omitted", async () => {
    const crd = allCRDs().find((c: any) => c.metadata.name === "passwords.generators.external-secrets.io") as any;
    const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    assert.deepEqual([...spec.required].sort(), ["allowRepeat", "length", "noUpper"]);
    const created = await create("passwords", "Password", "defaults", { digits: 3 });
    assert.equal(created.spec.length, 24);
    assert.equal(created.spec.noUpper, false);
    assert.equal(created.spec.allowRepeat, false);
  });

  test("SSHKey: keySize outside 256..8192 is refused", async () => {
    assert.match(await rejection(create("sshkeys", "SSHKey", "tiny", { keyType: "rsa", keySize: 128 })), /keySize/);
    assert.match(await rejection(create("sshkeys", "SSHKey", "huge", { keyType: "rsa", keySize: 16384 })), /keySize/);
    const ok = await create("sshkeys", "SSHKey", "fine", { keyType: "rsa", keySize: 4096 });
    assert.equal(ok.spec.keySize, 4096);
  });

  test("Webhook generator: result is required", async () => {
    const msg = await rejection(create("webhooks", "Webhook", "no-result", { url: "http://example.test/x" }));
    assert.match(msg, /result/);
    const ok = await create("webhooks", "Webhook", "with-result", { url: "http://example.test/x", result: {} });
    assert.deepEqual(ok.spec.result, {});
  });

  test("label selectors are atomic maps with atomic lists, as upstream", async () => {
    const crd: any = await client.request({
      method: "GET",
      path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusterexternalsecrets.external-secrets.io",
    });
    const version = crd.spec.versions.find((v: any) => v.storage);
    const spec = version.schema.openAPIV3Schema.properties.spec.properties;
    for (const sel of [spec.namespaceSelector, spec.namespaceSelectors.items]) {
      assert.equal(sel["x-kubernetes-map-type"], "atomic");
      assert.equal(sel.properties.matchExpressions["x-kubernetes-list-type"], "atomic");
      assert.equal(sel.properties.matchExpressions.items.properties.values["x-kubernetes-list-type"], "atomic");
    }
    const store: any = allCRDs().find((c: any) => c.metadata.name === "secretstores.external-secrets.io");
    const conditions = store.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.conditions;
    assert.equal(conditions.items.properties.namespaceSelector["x-kubernetes-map-type"], "atomic");
  });
});
