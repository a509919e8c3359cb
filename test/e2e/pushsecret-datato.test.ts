/**
 * PushSecret spec.dataTo[].remoteKey (bundle mode) end to end: every matched, rewritten key of the Secret is pushed
 * to one provider secret as a single JSON object (fake provider and the loopback AWS Secrets Manager), the status
 * records that one remote key, a change to the Secret re-pushes the object, and deletionPolicy Delete removes it.
 * Also templateFrom[].valuesDecodingStrategy on a PushSecret template.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { storeTable } from "../../src/providers/fake/state.js";
import { FakeAws } from "../fakes/aws-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  fakeStore,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  setEnv,
  useHarness,
} from "../support/world.js";

const NS = "bundle";
let aws: FakeAws;
let restoreEnv: () => void;

function pushSecret(name: string, spec: Record<string, unknown>) {
  return { apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name, namespace: NS }, spec };
}

const fakeValue = (key: string) => storeTable(`${NS}/fake`).get(key)?.value;
/** The current value of an AWS secret (pushed as SecretBinary by default, as upstream). */
function awsValue(name: string): string | undefined {
  const current = aws.secret(name)?.versions.find((v) => v.stages.includes("AWSCURRENT"));
  return current?.binary?.toString("utf8") ?? current?.string;
}

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  aws.addAccessKey("AKIDBUNDLE", "bundle-secret-key");
  restoreEnv = setEnv({ [ENDPOINT_ENV.secretsmanager]: aws.url });
});

after(async () => {
  await aws.stop();
  restoreEnv();
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(h, fakeStore("fake", NS, []));
  await h.client.create(SECRETS, secretManifest(NS, "aws", { id: "AKIDBUNDLE", secret: "bundle-secret-key" }));
  await h.client.create(SECRET_STORES, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "aws", namespace: NS },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region: "us-east-1",
          auth: {
            secretRef: {
              accessKeyIDSecretRef: { name: "aws", key: "id" },
              secretAccessKeySecretRef: { name: "aws", key: "secret" },
            },
          },
        },
      },
    },
  });
  await h.client.create(
    SECRETS,
    secretManifest(NS, "app-config", { "db-host": "db.local", "db-user": "admin", other: "not-pushed" }),
  );
});

async function setSecretValue(name: string, key: string, value: string) {
  for (let i = 0; ; i++) {
    const s = await h.client.get(SECRETS, NS, name);
    s.data[key] = Buffer.from(value).toString("base64");
    try {
      await h.client.update(SECRETS, s);
      return;
    } catch (err) {
      if (i > 5) throw err;
    }
  }
}

describe("PushSecret dataTo remoteKey (bundle mode)", () => {
  it("pushes the matched, rewritten keys as one JSON object, re-pushes on change, deletes with the PushSecret", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("bundle-fake", {
        secretStoreRefs: [{ name: "fake" }],
        deletionPolicy: "Delete",
        refreshInterval: "1s",
        selector: { secret: { name: "app-config" } },
        dataTo: [
          {
            storeRef: { name: "fake" },
            remoteKey: "app/config",
            match: { regexp: "^db-" },
            rewrite: [{ regexp: { source: "^db-", target: "DB_" } }],
          },
        ],
      }),
    );
    await eventually(async () => fakeValue("app/config") !== undefined, { timeoutMs: 15_000, what: "bundle pushed" });
    assert.deepEqual(JSON.parse(fakeValue("app/config")!), { DB_host: "db.local", DB_user: "admin" });
    assert.equal(fakeValue("DB_host"), undefined, "no per-key secrets in bundle mode");
    await eventually(async () => (await readyCondition(h, PUSH_SECRETS, NS, "bundle-fake"))?.status === "True");
    const ps = await h.client.get(PUSH_SECRETS, NS, "bundle-fake");
    assert.deepEqual(Object.keys(ps.status.syncedPushSecrets["SecretStore/fake"]), ["app/config"]);
    assert.equal(ps.spec.dataTo[0].remoteKey, "app/config", "the API server keeps remoteKey");

    await setSecretValue("app-config", "db-user", "root");
    await eventually(async () => JSON.parse(fakeValue("app/config") ?? "{}").DB_user === "root", {
      timeoutMs: 15_000,
      what: "re-pushed",
    });

    await h.client.delete(PUSH_SECRETS, NS, "bundle-fake");
    await eventually(async () => fakeValue("app/config") === undefined, { timeoutMs: 15_000, what: "deleted" });
  });

  it("AWS Secrets Manager receives one secret holding the JSON object", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("bundle-aws", {
        secretStoreRefs: [{ name: "aws" }],
        selector: { secret: { name: "app-config" } },
        dataTo: [{ storeRef: { name: "aws" }, remoteKey: "team/app", match: { regexp: "^db-host$" } }],
      }),
    );
    await eventually(async () => awsValue("team/app") !== undefined, { timeoutMs: 15_000, what: "pushed to AWS" });
    assert.deepEqual(JSON.parse(awsValue("team/app")!), { "db-host": "db.local" });
    assert.equal(aws.secret("db-host"), undefined);
  });

  it("keys that rewrite to the same name fail the push with a message naming the entry", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("bundle-clash", {
        secretStoreRefs: [{ name: "fake" }],
        selector: { secret: { name: "app-config" } },
        dataTo: [
          { storeRef: { name: "fake" }, remoteKey: "clash", rewrite: [{ regexp: { source: ".*", target: "same" } }] },
        ],
      }),
    );
    const cond = await eventually(async () => {
      const c = await readyCondition(h, PUSH_SECRETS, NS, "bundle-clash");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message ?? "", /spec\.dataTo\[0\]: keys rewrite to the same name "same"/);
    assert.equal(fakeValue("clash"), undefined);
  });
});

describe("PushSecret template valuesDecodingStrategy", () => {
  it("decodes each value a templateFrom literal renders before it is pushed", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("decoded", {
        secretStoreRefs: [{ name: "fake" }],
        selector: { secret: { name: "app-config" } },
        template: {
          templateFrom: [
            // "aGVsbG8tZnJvbS1iNjQ=" is base64 for "hello-from-b64"
            { literal: 'greeting: "aGVsbG8tZnJvbS1iNjQ="', valuesDecodingStrategy: "Base64" },
          ],
        },
        data: [{ match: { secretKey: "greeting", remoteRef: { remoteKey: "decoded-greeting" } } }],
      }),
    );
    await eventually(async () => fakeValue("decoded-greeting") === "hello-from-b64", {
      timeoutMs: 15_000,
      what: "decoded value pushed",
    });
  });
});
