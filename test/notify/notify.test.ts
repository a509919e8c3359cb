/**
 * Event-driven refresh end to end: the controllers against the in-process API server and the loopback AWS
 * Secrets Manager, the notification endpoint in front of them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  isSnsConfirmUrl,
  keysFromVaultEvent,
  NotifyInputError,
  parseGeneric,
  secretNameFromId,
  secretsFromEventBridge,
} from "../../src/notify/adapters.js";
import { type NotifyServer, startNotifyServer } from "../../src/notify/server.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { eventually } from "../support/poll.js";
import {
  createAwsStore,
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  readyCondition,
  SECRETS,
  startHarness,
} from "../support/world.js";

const TOKEN = "notify-token-for-tests";
const NS = "notify";
let h: Harness;
let aws: FakeAws;
let server: NotifyServer;
const confirmed: string[] = [];

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const storeQuery = `kind=SecretStore&namespace=${NS}&name=aws`;

async function secretValue(name: string) {
  return decoded(await h.client.get(SECRETS, NS, name));
}

async function refreshTime(name: string): Promise<string> {
  return (await h.client.get(EXTERNAL_SECRETS, NS, name)).status.refreshTime;
}

/** GetSecretValue/BatchGetSecretValue calls naming `key`. */
function readsOf(key: string): number {
  return aws.requests.filter(
    (r) =>
      (r.action === "GetSecretValue" && r.body.SecretId === key) ||
      (r.action === "BatchGetSecretValue" && (r.body.SecretIdList ?? []).includes(key)),
  ).length;
}

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  aws.addAccessKey("AKIANOTIFYNOTIFYNOTI", "notify-secret");
  for (const k of ["app/a", "app/b", "app/c"]) aws.putSecretString(k, `${k}-v1`);
  h = await startHarness({ concurrency: 4 });
  server = await startNotifyServer({
    target: h.controllers,
    token: TOKEN,
    confirmSubscription: async (url) => {
      confirmed.push(url);
    },
  });
  await createNamespace(h, NS);
  await createAwsStore(h, NS, "aws", "aws-creds", ["AKIANOTIFYNOTIFYNOTI", "notify-secret"]);
  const es = (name: string, keys: string[]) =>
    h.client.create(
      EXTERNAL_SECRETS,
      externalSecret(name, NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "aws", kind: "SecretStore" },
        target: { name },
        data: keys.map((k) => ({ secretKey: k.replace("/", "-"), remoteRef: { key: k } })),
      }),
    );
  await es("uses-a", ["app/a"]);
  await es("uses-a-b", ["app/a", "app/b"]);
  await es("uses-c", ["app/c"]);
  for (const name of ["uses-a", "uses-a-b", "uses-c"]) {
    await eventually(async () => (await readyCondition(h, EXTERNAL_SECRETS, NS, name))?.status === "True");
  }
});

after(async () => {
  await server.stop();
  await h.stop();
  await aws.stop();
});

describe("notification endpoint", () => {
  it("rejects requests without the token with 401 and re-syncs nothing", async () => {
    const before = await refreshTime("uses-a");
    const none = await post(
      "/notify",
      { store: { kind: "SecretStore", namespace: NS, name: "aws" }, key: "app/a" },
      {
        authorization: "",
      },
    );
    assert.equal(none.status, 401);
    const wrong = await post(
      "/notify",
      { store: { kind: "SecretStore", namespace: NS, name: "aws" }, key: "app/a" },
      {
        authorization: "Bearer not-the-token",
      },
    );
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { error: "unauthorized" });
    assert.equal(await refreshTime("uses-a"), before);
  });

  it("generic notification: exactly the ExternalSecrets reading the key re-sync and get the new value", async () => {
    aws.putSecretString("app/a", "app/a-v2");
    aws.requests.length = 0;
    const untouched = await refreshTime("uses-c");
    const res = await post("/notify", { store: { kind: "SecretStore", namespace: NS, name: "aws" }, key: "app/a" });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { resynced: 2 });
    await eventually(async () => (await secretValue("uses-a"))["app-a"] === "app/a-v2", {
      timeoutMs: 15_000,
      what: "uses-a updated",
    });
    await eventually(async () => (await secretValue("uses-a-b"))["app-a"] === "app/a-v2", {
      timeoutMs: 15_000,
      what: "uses-a-b updated",
    });
    assert.equal((await secretValue("uses-a-b"))["app-b"], "app/b-v1");
    assert.equal(readsOf("app/c"), 0, "the ExternalSecret not reading app/a was not re-synced");
    assert.equal(await refreshTime("uses-c"), untouched);
    assert.ok(readsOf("app/a") >= 1);
  });

  it("rejects malformed notifications with 400 naming the field", async () => {
    const res = await post("/notify", { store: { kind: "SecretStore", name: "aws" }, key: "app/a" });
    assert.equal(res.status, 400);
    assert.match(String(res.body.error), /body\.store\.namespace/);
    const unknown = await post("/notify/elsewhere", {});
    assert.equal(unknown.status, 404);
  });

  it("AWS EventBridge via SNS: confirms the subscription without calling out, then re-syncs on notifications", async () => {
    const subscribeUrl =
      "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:eso&Token=abc";
    const conf = await post(
      `/notify/aws?${storeQuery}`,
      {
        Type: "SubscriptionConfirmation",
        TopicArn: "arn:aws:sns:us-east-1:123456789012:eso",
        SubscribeURL: subscribeUrl,
      },
      { "x-amz-sns-message-type": "SubscriptionConfirmation" },
    );
    assert.equal(conf.status, 200);
    assert.deepEqual(confirmed, [subscribeUrl]);
    const evil = await post(
      `/notify/aws?${storeQuery}`,
      { Type: "SubscriptionConfirmation", SubscribeURL: "https://attacker.example/?Action=ConfirmSubscription" },
      { "x-amz-sns-message-type": "SubscriptionConfirmation" },
    );
    assert.equal(evil.status, 400);
    assert.equal(confirmed.length, 1);

    aws.putSecretString("app/c", "app/c-v2");
    const event = {
      version: "0",
      source: "aws.secretsmanager",
      "detail-type": "AWS API Call via CloudTrail",
      detail: {
        eventSource: "secretsmanager.amazonaws.com",
        eventName: "PutSecretValue",
        requestParameters: { secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/c-AbCdEf" },
      },
    };
    const res = await post(
      `/notify/aws?${storeQuery}`,
      {
        Type: "Notification",
        MessageId: "m1",
        TopicArn: "arn:aws:sns:us-east-1:123456789012:eso",
        Message: JSON.stringify(event),
      },
      { "x-amz-sns-message-type": "Notification" },
    );
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { resynced: 1 });
    await eventually(async () => (await secretValue("uses-c"))["app-c"] === "app/c-v2", {
      timeoutMs: 15_000,
      what: "uses-c updated",
    });
  });

  it("Vault kv-v2 data-write event payloads are routed to the ExternalSecrets reading that path", async () => {
    aws.putSecretString("app/b", "app/b-v2");
    const res = await post(`/notify/vault?${storeQuery}`, {
      id: "e1",
      source: "vault://node1",
      specversion: "1.0",
      type: "*",
      data: {
        event: {
          id: "e1",
          metadata: { current_version: "2", operation: "data-write", path: "app/data/app/b", modified: "true" },
        },
        event_type: "kv-v2/data-write",
        plugin_info: { mount_class: "secret", mount_path: "app/", plugin: "kv" },
      },
      datacontenttype: "application/cloudevents",
    });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { resynced: 1 });
    await eventually(async () => (await secretValue("uses-a-b"))["app-b"] === "app/b-v2", {
      timeoutMs: 15_000,
      what: "uses-a-b updated",
    });
  });
});

describe("notification adapters", () => {
  it("maps Secrets Manager ARNs and EventBridge events to secret names", () => {
    assert.equal(secretNameFromId("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-a1B2c3"), "prod/db");
    assert.equal(secretNameFromId("prod/db"), "prod/db");
    assert.deepEqual(
      secretsFromEventBridge({
        source: "aws.secretsmanager",
        "detail-type": "AWS Service Event via CloudTrail",
        detail: {
          eventName: "RotationSucceeded",
          additionalEventData: { SecretId: "arn:aws:secretsmanager:us-east-1:1:secret:rot-XyZ123" },
        },
      }),
      ["rot"],
    );
    assert.throws(() => secretsFromEventBridge({ source: "aws.s3" }), /event\.source/);
  });

  it("accepts only SNS's own confirmation URLs", () => {
    assert.ok(isSnsConfirmUrl("https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x"));
    assert.ok(!isSnsConfirmUrl("http://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription"));
    assert.ok(!isSnsConfirmUrl("https://sns.eu-central-1.amazonaws.com.evil.io/?Action=ConfirmSubscription"));
    assert.ok(!isSnsConfirmUrl("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"));
  });

  it("reads kv-v2 paths relative to the mount and with it; ignores other event types", () => {
    const ev = (path: string, type = "kv-v2/data-write") => ({
      data: { event: { metadata: { path } }, event_type: type, plugin_info: { mount_path: "secret/" } },
    });
    assert.deepEqual(keysFromVaultEvent(ev("secret/data/team/db")), ["team/db", "secret/team/db"]);
    assert.throws(() => keysFromVaultEvent(ev("secret/data/x", "kv-v2/data-read")), /data\.event_type/);
  });

  it("generic payloads name the bad field", () => {
    assert.throws(() => parseGeneric({ store: { kind: "Nope", name: "x" }, key: "k" }), /body\.store\.kind/);
    assert.throws(
      () => parseGeneric([{ store: { kind: "ClusterSecretStore", name: "x" }, keys: [1] }]),
      /\[0\]\.keys\[0\]/,
    );
    assert.deepEqual(parseGeneric({ store: { kind: "ClusterSecretStore", name: "c" }, keys: ["a", "b"] }).length, 2);
    assert.ok(new NotifyInputError("x") instanceof Error);
  });
});
