import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { allCRDs } from "../../src/api/crds.js";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { KubeClient } from "../../src/kube/index.js";
import { issueCertBundle, serviceDnsNames } from "../../src/util/serving-certs.js";
import { freePort } from "../support/net.js";
import { eventually } from "../support/poll.js";

const cli = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const NS = "external-secrets";
const SERVICE = "eso-webhook";
const SECRET = "eso-webhook-tls";
const SERVICE_DNS = `${SERVICE}.${NS}.svc`;

let api: ApiServer;
let client: KubeClient;
let dir: string;
const children: ChildProcess[] = [];

function eso(args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  children.push(child);
  return Object.assign(child, { output: () => out });
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

/** POSTs JSON over HTTPS, trusting only `ca` and checking the certificate against the Service's DNS name. */
function postTls(port: number, path: string, body: unknown, ca: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, method: "POST", ca, servername: SERVICE_DNS, agent: false },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(JSON.parse(text)));
      },
    );
    req.setHeader("content-type", "application/json");
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const send = (method: string, path: string, body?: unknown): Promise<any> => client.request({ method, path, body });
const get = (path: string): Promise<any> => send("GET", path);
const secretPath = `/api/v1/namespaces/${NS}/secrets/${SECRET}`;
const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const vwcPath = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString();

before(async () => {
  api = await startApiServer();
  client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
  dir = await mkdtemp(join(tmpdir(), "eso-webhook-cli-"));
  await api.writeKubeconfig(join(dir, "kubeconfig"));
  await send("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: NS },
  });
  // CRDs as the chart renders them: multi-version kinds convert through the webhook Service.
  for (const crd of allCRDs() as any[]) {
    if (crd.spec.versions.length > 1) {
      crd.spec.conversion = {
        strategy: "Webhook",
        webhook: {
          conversionReviewVersions: ["v1"],
          clientConfig: { service: { name: SERVICE, namespace: NS, path: "/convert" } },
        },
      };
    }
    await send("POST", crdPath, crd);
  }
  const hook = (name: string, service: string) => ({
    name,
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    rules: [
      {
        apiGroups: ["external-secrets.io"],
        apiVersions: ["v1", "v1beta1"],
        operations: ["CREATE", "UPDATE"],
        resources: ["externalsecrets"],
      },
    ],
    clientConfig: { service: { name: service, namespace: NS, path: "/validate-externalsecrets" } },
  });
  await send("POST", vwcPath, {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "eso-webhook", labels: { "external-secrets.io/component": "webhook" } },
    webhooks: [hook("externalsecret-validate.external-secrets.io", SERVICE), hook("other.example.com", "other")],
  });
});

after(async () => {
  await Promise.all(children.map(stop));
  await api.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("eso certcontroller and eso webhook against the API server", () => {
  let certController: ReturnType<typeof eso>;
  let ca: string;

  test("the cert controller issues the certificate and injects the CA into the webhook config and CRDs", async () => {
    const health = await freePort();
    certController = eso([
      "certcontroller",
      `--kubeconfig=${join(dir, "kubeconfig")}`,
      `--secret-name=${SECRET}`,
      `--secret-namespace=${NS}`,
      `--service-name=${SERVICE}`,
      `--service-namespace=${NS}`,
      `--healthz-addr=127.0.0.1:${health}`,
      "--metrics-addr=0",
      "--lookahead-interval=48h",
      "--loglevel=info",
    ]);
    const secret = await eventually(
      async () => {
        const s = await get(secretPath).catch(() => undefined);
        return s?.data?.["ca.crt"] ? s : undefined;
      },
      { what: () => `the certificate Secret; cert controller output:\n${certController.output()}` },
    );
    ca = unb64(secret.data["ca.crt"]);
    const leaf = new X509Certificate(unb64(secret.data["tls.crt"]));
    assert.ok(leaf.verify(new X509Certificate(ca).publicKey), "serving certificate is signed by the CA");
    for (const name of serviceDnsNames(SERVICE, NS)) assert.ok(leaf.checkHost(name), name);

    const caBundle = b64(ca);
    await eventually(
      async () => {
        const es = await get(`${crdPath}/externalsecrets.external-secrets.io`);
        return es.spec.conversion.webhook.clientConfig.caBundle === caBundle;
      },
      { what: "CRD conversion caBundle" },
    );
    const single = await get(`${crdPath}/passwords.generators.external-secrets.io`);
    assert.equal(single.spec.conversion?.webhook, undefined, "CRDs without a conversion webhook are left alone");
    const vwc = await eventually(
      async () => {
        const v = await get(`${vwcPath}/eso-webhook`);
        return v.webhooks[0].clientConfig.caBundle === caBundle ? v : undefined;
      },
      { what: "webhook caBundle" },
    );
    assert.equal(vwc.webhooks[1].clientConfig.caBundle, undefined, "another service's webhook is not touched");
    await eventually(async () => (await httpGet(`http://127.0.0.1:${health}/readyz`)).status === 200, {
      what: "readyz",
    });
  });

  test("the webhook waits for its certificate, then answers AdmissionReview and ConversionReview over HTTPS", async () => {
    const certDir = join(dir, "certs");
    const [port, health, metrics] = [await freePort(), await freePort(), await freePort()];
    const webhook = eso([
      "webhook",
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--cert-dir=${certDir}`,
      `--dns-name=${SERVICE_DNS}`,
      `--healthz-addr=127.0.0.1:${health}`,
      `--metrics-addr=127.0.0.1:${metrics}`,
      "--loglevel=error",
    ]);
    await eventually(async () => (await httpGet(`http://127.0.0.1:${health}/healthz`)).status === 200, {
      what: "webhook liveness",
    });
    assert.notEqual((await httpGet(`http://127.0.0.1:${health}/readyz`)).status, 200, "not ready without a cert");

    // What the kubelet does with the Secret volume.
    const secret = await get(secretPath);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(certDir, { recursive: true });
    await writeFile(join(certDir, "tls.key"), unb64(secret.data["tls.key"]));
    await writeFile(join(certDir, "tls.crt"), unb64(secret.data["tls.crt"]));
    await eventually(async () => (await httpGet(`http://127.0.0.1:${health}/readyz`)).status === 200, {
      what: "ready",
    });

    const denied = await postTls(
      port,
      "/validate-externalsecrets",
      {
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: {
          uid: "7d3c",
          operation: "CREATE",
          kind: { group: "external-secrets.io", version: "v1", kind: "ExternalSecret" },
          object: {
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: { name: "app-secrets", namespace: "production" },
            spec: {
              secretStoreRef: { name: "aws-sm", kind: "SecretStore" },
              target: { creationPolicy: "Sometimes" },
              data: [{ secretKey: "db-password", remoteRef: { key: "production/database" } }],
            },
          },
        },
      },
      ca,
    );
    assert.equal(denied.kind, "AdmissionReview");
    assert.equal(denied.response.uid, "7d3c");
    assert.equal(denied.response.allowed, false);
    assert.match(denied.response.status.message, /spec\.target\.creationPolicy/);

    const seed = {
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ExternalSecret",
      metadata: { name: "production-db-creds", namespace: "production" },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "aws-sm", kind: "SecretStore" },
        target: { name: "db-credentials" },
        data: [{ secretKey: "username", remoteRef: { key: "production/rds-postgres", property: "username" } }],
      },
    };
    const convert = (objects: unknown[], desiredAPIVersion: string) =>
      postTls(
        port,
        "/convert",
        {
          apiVersion: "apiextensions.k8s.io/v1",
          kind: "ConversionReview",
          request: { uid: "c1", desiredAPIVersion, objects },
        },
        ca,
      );
    const up = await convert([seed], "external-secrets.io/v1");
    assert.equal(up.response.result.status, "Success");
    assert.equal(up.response.convertedObjects[0].apiVersion, "external-secrets.io/v1");
    const down = await convert(up.response.convertedObjects, "external-secrets.io/v1beta1");
    assert.deepEqual(down.response.convertedObjects[0], seed);

    const text = (await httpGet(`http://127.0.0.1:${metrics}/metrics`)).body;
    assert.match(text, /webhook_reviews_total\{review="admission",outcome="denied"\} 1/);
    assert.match(text, /webhook_reviews_total\{review="conversion",outcome="converted"\} 2/);
    assert.equal(await stop(webhook), 0, webhook.output());
  });

  test("a certificate about to expire is re-issued and the new CA injected everywhere", async () => {
    const expiring = issueCertBundle(serviceDnsNames(SERVICE, NS), 1);
    const secret = await get(secretPath);
    secret.data = {
      "ca.crt": b64(expiring.caCert),
      "ca.key": b64(expiring.caKey),
      "tls.crt": b64(expiring.cert),
      "tls.key": b64(expiring.key),
    };
    await send("PUT", secretPath, secret);
    const rotated = await eventually(
      async () => {
        const s = await get(secretPath);
        const now = unb64(s.data["ca.crt"]);
        return now !== expiring.caCert && now !== ca ? now : undefined;
      },
      { what: "rotation" },
    );
    const leaf = new X509Certificate(unb64((await get(secretPath)).data["tls.crt"]));
    assert.ok(Date.parse(leaf.validTo) > Date.now() + 300 * 86_400_000, "the new certificate is valid for a year");
    await eventually(
      async () => {
        const es = await get(`${crdPath}/externalsecrets.external-secrets.io`);
        const vwc = await get(`${vwcPath}/eso-webhook`);
        return (
          es.spec.conversion.webhook.clientConfig.caBundle === b64(rotated) &&
          vwc.webhooks[0].clientConfig.caBundle === b64(rotated)
        );
      },
      { what: "the rotated CA injected" },
    );
    assert.equal(await stop(certController), 0, certController.output());
  });

  test("bad flags exit 2 naming the flag", async () => {
    const bad = eso(["webhook", "--tls-min-version=1.0"]);
    assert.equal(await new Promise((r) => bad.once("exit", r)), 2);
    assert.match(bad.output(), /--tls-min-version/);
    const unknown = eso(["certcontroller", "--no-such-flag"]);
    assert.equal(await new Promise((r) => unknown.once("exit", r)), 2);
    assert.match(unknown.output(), /unknown flag --no-such-flag/);
  });
});
