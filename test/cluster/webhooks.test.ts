/**
 * Real webhooks: kube-apiserver calls our conversion webhook (v1beta1 manifests applied with kubectl, read back as
 * v1 and as v1beta1) and our validating admission webhooks over TLS, trusting the CA that `eso certcontroller`
 * (running as the chart's ServiceAccount) issued and injected into the CRDs and the ValidatingWebhookConfiguration.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  applyChartRbac,
  type Cluster,
  CONTROLLER_SA,
  OPERATOR_NAMESPACE,
  serviceAccountKubeconfig,
  startCluster,
} from "./support/cluster.js";
import { type EsoProcess, startController } from "./support/eso.js";
import { clusterPoll, type Kube, KubectlError, type Obj } from "./support/kube.js";
import { startWebhooks, WEBHOOK_CONFIG, WEBHOOK_SECRET, type Webhooks } from "./support/webhooks.js";

const NS = "conv";
const CONVERTED_CRDS = [
  "externalsecrets.external-secrets.io",
  "secretstores.external-secrets.io",
  "clustersecretstores.external-secrets.io",
  "clusterexternalsecrets.external-secrets.io",
];

let cluster: Cluster;
let kube: Kube;
let webhooks: Webhooks;
let controller: EsoProcess;

before(async () => {
  cluster = await startCluster({ crds: false });
  kube = cluster.admin;
  webhooks = await startWebhooks(cluster);
  await applyChartRbac(cluster);
  const kc = await serviceAccountKubeconfig(cluster, OPERATOR_NAMESPACE, CONTROLLER_SA);
  controller = await startController(cluster, "controller-0", kc);
  await kube.createNamespace(NS);
});

after(async () => {
  await controller?.stop(5_000).catch(() => {});
  await webhooks?.stop().catch(() => {});
  await cluster?.stop();
});

/** `kubectl get <resource> -o json` of one object. */
async function getAs(resource: string, name: string, namespace = NS): Promise<Obj> {
  return JSON.parse(await kube.kubectl(["get", resource, name, "-n", namespace, "-o", "json"])) as Obj;
}

/** kubectl's error output for a manifest the API server refuses (fails the test if it is accepted). */
async function refused(manifest: Obj): Promise<string> {
  try {
    await kube.apply(manifest);
  } catch (err) {
    if (err instanceof KubectlError) return err.stderr;
    throw err;
  }
  assert.fail(`the API server accepted ${manifest.kind} ${manifest.metadata.name}`);
}

describe("the cert controller's CA, injected into URL clientConfigs", () => {
  it("the CRDs' conversion webhook and every validating webhook trust the issued CA; the certificate covers 127.0.0.1", async () => {
    const secret = await eventually(
      async () => {
        const s = await kube.get("secrets", OPERATOR_NAMESPACE, WEBHOOK_SECRET);
        return s?.data?.["ca.crt"] ? s : undefined;
      },
      { ...clusterPoll, what: "certificate issued" },
    );
    const ca = secret.data["ca.crt"] as string;
    const leaf = new X509Certificate(Buffer.from(secret.data["tls.crt"], "base64"));
    assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
    assert.ok(leaf.verify(new X509Certificate(Buffer.from(ca, "base64")).publicKey));

    await eventually(
      async () => {
        const vwc = JSON.parse(
          await kube.kubectl(["get", "validatingwebhookconfiguration", WEBHOOK_CONFIG, "-o", "json"]),
        );
        return (vwc.webhooks as Obj[]).every(
          (w) => w.clientConfig.caBundle === ca && w.clientConfig.url.startsWith(webhooks.base),
        );
      },
      { ...clusterPoll, what: "caBundle in every validating webhook" },
    );
    for (const name of CONVERTED_CRDS) {
      await eventually(
        async () => {
          const crd = JSON.parse(await kube.kubectl(["get", "crd", name, "-o", "json"]));
          return crd.spec.conversion.strategy === "Webhook" && crd.spec.conversion.webhook.clientConfig.caBundle === ca;
        },
        { ...clusterPoll, what: `conversion caBundle in ${name}` },
      );
    }
  });
});

describe("conversion through the real API server", () => {
  it("a v1beta1 SecretStore and ExternalSecret applied with kubectl read back as v1 and as v1beta1, and sync", async () => {
    await kube.apply({
      apiVersion: "external-secrets.io/v1beta1",
      kind: "SecretStore",
      metadata: { name: "old", namespace: NS },
      spec: {
        provider: {
          fake: {
            data: [
              { key: "plain", value: "p" },
              { key: "mapped", valueMap: { user: "admin", pass: "s3cret" } },
            ],
          },
        },
      },
    });
    // stored as v1: valueMap (v1beta1 only) becomes a JSON value, remembered for the way back
    const v1 = await getAs("secretstores.v1.external-secrets.io", "old");
    assert.equal(v1.apiVersion, "external-secrets.io/v1");
    const mapped = (v1.spec.provider.fake.data as Obj[]).find((d) => d.key === "mapped");
    assert.deepEqual(JSON.parse(mapped?.value), { user: "admin", pass: "s3cret" });
    assert.equal(mapped?.valueMap, undefined);
    const beta = await getAs("secretstores.v1beta1.external-secrets.io", "old");
    assert.equal(beta.apiVersion, "external-secrets.io/v1beta1");
    assert.deepEqual(beta.spec.provider.fake.data, [
      { key: "plain", value: "p" },
      { key: "mapped", valueMap: { user: "admin", pass: "s3cret" } },
    ]);
    assert.equal(beta.metadata.annotations?.["conversion.external-secrets.io/v1beta1-fields"], undefined);

    await kube.apply({
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ExternalSecret",
      metadata: { name: "old-es", namespace: NS },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "old", kind: "SecretStore" },
        target: { name: "old-es" },
        data: [
          { secretKey: "plain", remoteRef: { key: "plain" } },
          { secretKey: "user", remoteRef: { key: "mapped", property: "user" } },
        ],
      },
    });
    const esV1 = await getAs("externalsecrets.v1.external-secrets.io", "old-es");
    assert.equal(esV1.apiVersion, "external-secrets.io/v1");
    assert.equal(esV1.spec.data[1].remoteRef.property, "user");
    const esBeta = await getAs("externalsecrets.v1beta1.external-secrets.io", "old-es");
    assert.equal(esBeta.apiVersion, "external-secrets.io/v1beta1");
    assert.equal(esBeta.spec.secretStoreRef.name, "old");

    // the controller (reading v1) syncs what was written as v1beta1; its v1 status reads back as v1beta1 too
    await eventually(async () => (await kube.secretData(NS, "old-es"))?.user === "admin", {
      ...clusterPoll,
      what: "synced from a v1beta1 manifest",
    });
    assert.deepEqual(await kube.secretData(NS, "old-es"), { plain: "p", user: "admin" });
    const statusBeta = await eventually(
      async () => {
        const o = await getAs("externalsecrets.v1beta1.external-secrets.io", "old-es");
        return (o.status?.conditions as Obj[] | undefined)?.find((c) => c.type === "Ready" && c.status === "True")
          ? o
          : undefined;
      },
      { ...clusterPoll, what: "Ready as v1beta1" },
    );
    assert.equal(statusBeta.apiVersion, "external-secrets.io/v1beta1");
  });

  it("a v1 ExternalSecret with a v1-only field (rewrite merge) survives a v1beta1 round trip", async () => {
    await kube.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "merge-rewrite", namespace: NS },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "old" },
        dataFrom: [{ extract: { key: "mapped" }, rewrite: [{ merge: { strategy: "Extract" } }] }],
      },
    });
    const beta = await getAs("externalsecrets.v1beta1.external-secrets.io", "merge-rewrite");
    assert.equal(beta.spec.dataFrom[0].rewrite, undefined);
    // writing the v1beta1 form back (a v1beta1-only client's update) keeps the v1 field
    delete beta.metadata.resourceVersion;
    delete beta.metadata.managedFields;
    delete beta.status;
    beta.metadata.labels = { touched: "by-v1beta1-client" };
    await kube.kubectl(["replace", "-f", "-"], JSON.stringify(beta));
    const v1 = await getAs("externalsecrets.v1.external-secrets.io", "merge-rewrite");
    assert.equal(v1.metadata.labels.touched, "by-v1beta1-client");
    assert.equal(v1.spec.dataFrom[0].rewrite.length, 1);
    assert.equal(v1.spec.dataFrom[0].rewrite[0].merge.strategy, "Extract");
  });
});

describe("validating admission through the real API server", () => {
  it("an ExternalSecret with a duplicate secretKey is refused with our message", async () => {
    const stderr = await refused({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "dup", namespace: NS },
      spec: {
        secretStoreRef: { name: "old" },
        data: [
          { secretKey: "k", remoteRef: { key: "plain" } },
          { secretKey: "k", remoteRef: { key: "mapped" } },
        ],
      },
    });
    assert.match(stderr, /admission webhook "externalsecret-validate\.external-secrets\.io" denied the request/);
    assert.match(stderr, /duplicate secretKey "k"/);
    assert.equal(await kube.get("externalsecrets", NS, "dup"), undefined);
  });

  it("deletionPolicy Delete with creationPolicy Merge is refused, on create and on update", async () => {
    const es = (deletionPolicy: string) => ({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "policy", namespace: NS },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "old" },
        target: { creationPolicy: "Merge", deletionPolicy },
        data: [{ secretKey: "k", remoteRef: { key: "plain" } }],
      },
    });
    const stderr = await refused(es("Delete"));
    assert.match(stderr, /deletionPolicy Delete requires a Secret the controller owns/);
    await kube.apply(es("Retain"));
    const onUpdate = await refused(es("Delete"));
    assert.match(onUpdate, /denied the request/);
    assert.equal((await kube.get("externalsecrets", NS, "policy"))?.spec.target.deletionPolicy, "Retain");
  });

  it("a v1beta1 ExternalSecret that our validator refuses is refused, and nothing is stored", async () => {
    const stderr = await refused({
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ExternalSecret",
      metadata: { name: "both", namespace: NS },
      spec: {
        secretStoreRef: { name: "old" },
        dataFrom: [{ extract: { key: "mapped" }, find: { name: { regexp: ".*" } } }],
      },
    });
    assert.match(stderr, /denied the request/);
    assert.match(stderr, /only one of extract, find or sourceRef/);
    assert.equal(await kube.get("externalsecrets", NS, "both"), undefined);
  });

  it("a SecretStore referencing another namespace's Secret is refused; the same ClusterSecretStore is admitted", async () => {
    const provider = {
      kubernetes: {
        remoteNamespace: "remote",
        server: { url: cluster.cp.url },
        auth: { token: { bearerToken: { name: "token", key: "t", namespace: "elsewhere" } } },
      },
    };
    const stderr = await refused({
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "cross", namespace: NS },
      spec: { provider },
    });
    assert.match(stderr, /admission webhook "secretstore-validate\.external-secrets\.io" denied the request/);
    assert.match(stderr, /a SecretStore may only reference its own namespace/);
    await kube.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterSecretStore",
      metadata: { name: "cross" },
      spec: { provider },
    });
    assert.ok(await kube.get("clustersecretstores", undefined, "cross"));
  });
});
