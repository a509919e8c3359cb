/**
 * The github and crd providers through the running controllers. crd: a store over a loopback Kubernetes API
 * becomes Ready, an ExternalSecret syncs a property of a custom resource, and not found, bad credentials,
 * throttling and server errors each end in Ready=False naming the cause while the Secret keeps its data and
 * resourceVersion. github: a write-only store becomes Ready, a PushSecret seals a value the GitHub fake opens,
 * a changed Secret is pushed again, deletionPolicy Delete removes the remote secret, and a refusing GitHub
 * gives a PushSecret Ready=False.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { FakeKubeApi } from "../fakes/crd-server.js";
import { FakeGithub } from "../fakes/github-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  forceSync,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "p-github-crd";
const KUBE_TOKEN = "crd-e2e-reader-token-5521";
const VALUE = "widget-e2e-password-9183";
const MANY = 10_000;
const app = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
});
let kubeApi: FakeKubeApi;
let github: FakeGithub;

before(async () => {
  kubeApi = await new FakeKubeApi((t) => (t === KUBE_TOKEN ? "eso-reader" : undefined)).start();
  kubeApi.put("widgets", "apps", "db", { spec: { password: VALUE, user: "app" } });
  kubeApi.grant("eso-reader", "widgets", ["get", "list"], "apps");
  github = await new FakeGithub().start();
  github.addApp("4242", app.publicKey).addInstallation("31", {
    appID: "4242",
    repositories: ["api"],
    permissions: { secrets: "write" },
  });
});
after(async () => {
  await kubeApi.stop();
  await github.stop();
});

async function putSecret(name: string, data: Record<string, string>): Promise<void> {
  const body = secretManifest(NS, name, data);
  const live = await h.client.get(SECRETS, NS, name);
  if (live) await h.client.update(SECRETS, { ...live, data: body.data });
  else await h.client.create(SECRETS, body);
}

async function storeReady(name: string, what: string) {
  const c = await eventually(
    async () => {
      const cond = await readyCondition(h, SECRET_STORES, NS, name);
      return cond?.status ? cond : undefined;
    },
    { timeoutMs: 30_000, what },
  );
  assert.equal(c.status, "True", `${what}: ${c.message}`);
  return (await h.client.get(SECRET_STORES, NS, name)).status;
}

describe("crd end to end", () => {
  const untilReady = (name: string, status: "True" | "False", what: string) =>
    eventually(
      async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, name);
        return c?.status === status ? c : undefined;
      },
      { timeoutMs: 30_000, what },
    );

  it("syncs a property of a custom resource, reports each failure without touching the Secret, and recovers", async () => {
    await putSecret("kube-token", { token: KUBE_TOKEN });
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "widgets", namespace: NS },
      spec: {
        provider: {
          crd: {
            server: { url: kubeApi.url },
            auth: { token: { bearerToken: { name: "kube-token", key: "token" } } },
            remoteNamespace: "apps",
            resource: { group: "example.io", version: "v1alpha1", kind: "Widget" },
          },
        },
      },
    });
    assert.equal((await storeReady("widgets", "crd store validated")).capabilities, "ReadOnly");

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("widget", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "widgets", kind: "SecretStore" },
        target: { name: "widget" },
        data: [{ secretKey: "password", remoteRef: { key: "db", property: "spec.password" } }],
      }),
    );
    assert.equal((await untilReady("widget", "True", "crd synced")).reason, "SecretSynced");
    assert.deepEqual(decoded(await h.client.get(SECRETS, NS, "widget")), { password: VALUE });
    let rv = (await h.client.get(SECRETS, NS, "widget")).metadata.resourceVersion;

    const expectFailure = async (pattern: RegExp, what: string) => {
      const c = await untilReady("widget", "False", `crd: ${what}`);
      assert.equal(c.reason, "SecretSyncedError");
      assert.match(c.message ?? "", pattern, `crd ${what}: ${c.message}`);
      for (const secret of [VALUE, KUBE_TOKEN]) assert.ok(!(c.message ?? "").includes(secret), `${what}: leaks`);
      const live = await h.client.get(SECRETS, NS, "widget");
      assert.equal(live.metadata.resourceVersion, rv, `crd ${what}: Secret was written`);
      assert.deepEqual(decoded(live), { password: VALUE });
    };
    const recover = async (what: string, patch?: (es: any) => void) => {
      await forceSync(h, NS, "widget", patch);
      await untilReady("widget", "True", `crd recovered from ${what}`);
      const live = await eventually(
        async () => {
          const s = await h.client.get(SECRETS, NS, "widget");
          const es = await h.client.get(EXTERNAL_SECRETS, NS, "widget");
          return s?.metadata.annotations?.["force-sync"] === es.metadata.annotations["force-sync"] ? s : undefined;
        },
        { timeoutMs: 30_000, what: `crd Secret carries the new stamp after ${what}` },
      );
      assert.deepEqual(decoded(live), { password: VALUE });
      rv = live.metadata.resourceVersion;
    };

    await forceSync(h, NS, "widget", (es) => {
      es.spec.data[0].remoteRef = { key: "no-such-widget", property: "spec.password" };
    });
    await expectFailure(/Widget "apps\/no-such-widget" not found/, "not found");
    await recover("not found", (es) => {
      es.spec.data[0].remoteRef = { key: "db", property: "spec.password" };
    });

    await putSecret("kube-token", { token: "revoked-token" });
    await forceSync(h, NS, "widget");
    await expectFailure(/not authorized \(HTTP 401\)/, "bad credentials");
    await putSecret("kube-token", { token: KUBE_TOKEN });
    await recover("bad credentials");

    for (const [kind, code, pattern] of [
      ["throttling", 429, /rate limited|throttled/i],
      ["server error", 503, /HTTP 503/],
    ] as const) {
      kubeApi.faults.push(...Array.from({ length: MANY }, () => code));
      await forceSync(h, NS, "widget");
      await expectFailure(pattern, kind);
      kubeApi.faults.length = 0;
      await recover(kind);
    }
  });
});

describe("github end to end", () => {
  const pushReady = (name: string, status: "True" | "False", what: string) =>
    eventually(
      async () => {
        const c = await readyCondition(h, PUSH_SECRETS, NS, name);
        return c?.status === status ? c : undefined;
      },
      { timeoutMs: 30_000, what },
    );
  const remote = (name: string) => github.secret("/repos/acme/api/actions/secrets", name)?.value.toString();

  it("pushes sealed values, pushes changes, deletes on PushSecret deletion and reports refusals", async () => {
    await putSecret("github-app", { "private-key.pem": app.privateKey });
    await putSecret("db", { password: "first-pushed-value" });
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "github", namespace: NS },
      spec: {
        provider: {
          github: {
            url: github.url,
            appID: 4242,
            installationID: 31,
            organization: "acme",
            repository: "api",
            auth: { privateKey: { name: "github-app", key: "private-key.pem" } },
          },
        },
      },
    });
    assert.equal((await storeReady("github", "github store validated")).capabilities, "WriteOnly");

    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "to-github", namespace: NS },
      spec: {
        deletionPolicy: "Delete",
        refreshInterval: "1h",
        secretStoreRefs: [{ name: "github", kind: "SecretStore" }],
        selector: { secret: { name: "db" } },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "DB_PASSWORD" } } }],
      },
    });
    await pushReady("to-github", "True", "pushed to github");
    assert.equal(remote("DB_PASSWORD"), "first-pushed-value");

    await putSecret("db", { password: "second-pushed-value" });
    await eventually(async () => remote("DB_PASSWORD") === "second-pushed-value", {
      timeoutMs: 30_000,
      what: "the changed Secret pushed again",
    });

    github.faults.push(...Array.from({ length: MANY }, () => 503));
    await putSecret("db", { password: "third-value-refused" });
    const c = await pushReady("to-github", "False", "github refusing");
    assert.match(c.message ?? "", /HTTP 503/);
    assert.ok(!(c.message ?? "").includes("third-value-refused"));
    assert.equal(remote("DB_PASSWORD"), "second-pushed-value");
    github.faults.length = 0;
    await pushReady("to-github", "True", "github recovered");
    assert.equal(remote("DB_PASSWORD"), "third-value-refused");

    await h.client.delete(PUSH_SECRETS, NS, "to-github");
    await eventually(async () => remote("DB_PASSWORD") === undefined, {
      timeoutMs: 30_000,
      what: "remote secret deleted with the PushSecret",
    });
  });
});
