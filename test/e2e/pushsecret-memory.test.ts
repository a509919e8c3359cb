/**
 * The PushSecret controller does not cache or even list unrelated Secrets: with no PushSecret only the
 * managed-label Secret informer touches Secrets; a PushSecret gets watches narrowed to the Secrets it
 * selects (by name or by label), which still re-push on change, and they end when the PushSecret goes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PushSecret } from "../../src/api/pushsecret.js";
import type { ApiServer } from "../../src/apiserver/index.js";
import { type RunningControllers, startControllers } from "../../src/controllers/index.js";
import {
  MAX_WATCHES,
  MAX_WATCHES_PER_NAMESPACE,
  SourceSecretWatch,
} from "../../src/controllers/pushsecret/source-watch.js";
import {
  KubeClient,
  type KubeList,
  type KubeObject,
  type ListOptions,
  MANAGED_SELECTOR,
  NAMESPACES,
  PUSH_SECRETS,
  type ResourceDescriptor,
  SECRET_STORES,
  SECRETS,
  type Stored,
  type WatchEvent,
  type WatchOptions,
} from "../../src/kube/index.js";
import { storeTable } from "../../src/providers/fake/state.js";
import { eventually } from "../support/poll.js";
import { fakeStore, secretManifest, startCluster } from "../support/world.js";

interface SecretRequest {
  verb: "list" | "watch";
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
}

/** Runtime client that records every list and watch of Secrets it makes, and counts open Secret watches. */
class RecordingClient extends KubeClient {
  readonly secretRequests: SecretRequest[] = [];
  readonly openWatches = new Map<string, number>();

  override listPage<T extends KubeObject>(rd: ResourceDescriptor, opts: ListOptions = {}): Promise<KubeList<T>> {
    if (rd.plural === "secrets" && !opts.continue) {
      this.secretRequests.push({
        verb: "list",
        namespace: opts.namespace,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
      });
    }
    return super.listPage<T>(rd, opts);
  }

  override async watch<T extends KubeObject>(
    rd: ResourceDescriptor,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<Stored<T>>) => void,
  ): Promise<void> {
    if (rd.plural !== "secrets") return super.watch(rd, opts, onEvent);
    const req: SecretRequest = {
      verb: "watch",
      namespace: opts.namespace,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    };
    this.secretRequests.push(req);
    const key = label(req);
    this.openWatches.set(key, (this.openWatches.get(key) ?? 0) + 1);
    try {
      await super.watch(rd, opts, onEvent);
    } finally {
      this.openWatches.set(key, (this.openWatches.get(key) ?? 1) - 1);
    }
  }

  /** Open Secret watches other than the managed-label one. */
  sourceWatches(): string[] {
    return [...this.openWatches].filter(([k, n]) => n > 0 && !k.includes(MANAGED_SELECTOR)).map(([k]) => k);
  }
}

function label(r: SecretRequest): string {
  return `${r.namespace ?? "*"} labels=${r.labelSelector ?? ""} fields=${r.fieldSelector ?? ""}`;
}

const NS = ["app", "quiet"];
const UNRELATED = 300;

let api: ApiServer;
let client: KubeClient;
let recorder: RecordingClient;
let controllers: RunningControllers;

function pushSecret(name: string, secret: Record<string, unknown>, remoteKey: string) {
  return {
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "PushSecret",
    metadata: { name, namespace: "app" },
    spec: {
      secretStoreRefs: [{ name: "fake", kind: "SecretStore" }],
      selector: { secret },
      data: [{ match: { secretKey: "token", remoteRef: { remoteKey } } }],
    },
  };
}

async function setToken(name: string, value: string): Promise<void> {
  const s = await client.get(SECRETS, "app", name);
  s.data.token = Buffer.from(value).toString("base64");
  await client.update(SECRETS, s);
}

const pushed = (key: string) => storeTable("app/fake").get(key)?.value;

before(async () => {
  ({ api, client } = await startCluster());
  for (const ns of NS) {
    await client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }
  const blob = "x".repeat(2048);
  for (let i = 0; i < UNRELATED; i++) {
    await client.create(SECRETS, secretManifest(NS[i % NS.length]!, `unrelated-${i}`, { blob }, { tier: "web" }));
  }
  await client.create(SECRETS, secretManifest("app", "src", { token: "one" }));
  await client.create(SECRETS, secretManifest("app", "labelled", { token: "l1" }, { push: "me" }));
  await client.create(SECRET_STORES, fakeStore("fake", "app", []));
  recorder = new RecordingClient({ kubeConfig: api.kubeConfig() });
  controllers = await startControllers({
    kubeConfig: api.kubeConfig(),
    runtimeClient: recorder,
    storeRequeueMs: 60_000,
  });
  await controllers.synced();
});

after(async () => {
  await controllers.stop();
  recorder.close();
  client.close();
  await api.stop();
});

describe("PushSecret source-Secret watches", () => {
  it("with no PushSecret, lists and watches Secrets only through the managed label", async () => {
    // Give any lazily started watch time to show up.
    await new Promise((r) => setTimeout(r, 500));
    const requests = recorder.secretRequests;
    assert.ok(
      requests.some((r) => r.verb === "list"),
      "the managed-Secret informer listed",
    );
    assert.ok(
      requests.some((r) => r.verb === "watch"),
      "the managed-Secret informer watched",
    );
    const unfiltered = requests.filter((r) => r.labelSelector !== MANAGED_SELECTOR);
    assert.deepEqual(unfiltered.map(label), [], "no Secret request without the managed label selector");
  });

  it("a name-selected source is watched by name only, and its change is re-pushed", async () => {
    await client.create(PUSH_SECRETS, pushSecret("by-name", { name: "src" }, "from-src"));
    await eventually(async () => pushed("from-src") === "one", { timeoutMs: 15_000, what: "first push" });
    await eventually(async () => recorder.sourceWatches().length === 1, {
      timeoutMs: 15_000,
      what: "source watch open",
    });
    assert.deepEqual(recorder.sourceWatches(), ["app labels= fields=metadata.name=src"]);
    const lists = recorder.secretRequests.filter((r) => r.verb === "list" && r.labelSelector !== MANAGED_SELECTOR);
    assert.ok(lists.length > 0 && lists.every((r) => r.namespace === "app" && (r.limit ?? 500) <= 50), "small pages");

    await setToken("src", "two");
    await eventually(async () => pushed("from-src") === "two", { timeoutMs: 15_000, what: "source change pushed" });
    // A change arrives on the open watch: no new list or watch request.
    const before = recorder.secretRequests.length;
    await setToken("src", "three");
    await eventually(async () => pushed("from-src") === "three", { timeoutMs: 15_000, what: "second change pushed" });
    assert.ok(recorder.secretRequests.length - before <= 2, "no relist per change");
  });

  it("a label-selected source is watched through that label selector, and its change is re-pushed", async () => {
    await client.create(
      PUSH_SECRETS,
      pushSecret("by-label", { selector: { matchLabels: { push: "me" } } }, "from-label"),
    );
    await eventually(async () => pushed("from-label") === "l1", { timeoutMs: 15_000, what: "first push" });
    await eventually(async () => recorder.sourceWatches().includes("app labels=push=me fields="), {
      timeoutMs: 15_000,
      what: "label watch",
    });
    await setToken("labelled", "l2");
    await eventually(async () => pushed("from-label") === "l2", { timeoutMs: 15_000, what: "labelled change pushed" });
  });

  it("source watches end when the last PushSecret is gone", async () => {
    await client.delete(PUSH_SECRETS, "app", "by-name");
    await client.delete(PUSH_SECRETS, "app", "by-label");
    await eventually(async () => recorder.sourceWatches().length === 0, {
      timeoutMs: 15_000,
      what: "source watches closed",
    });
    const namespaces = new Set(recorder.secretRequests.map((r) => r.namespace ?? "*"));
    assert.ok(!namespaces.has("quiet"), "a namespace without PushSecrets is never touched");
  });
});

describe("SourceSecretWatch scope", () => {
  const ps = (namespace: string, name: string, secret: Record<string, unknown>): Stored<PushSecret> =>
    ({ metadata: { namespace, name }, spec: { selector: { secret } } }) as unknown as Stored<PushSecret>;

  it("collapses many sources into one namespace watch, and many watches into one over the scope", async () => {
    const seen: string[] = [];
    const cachedFields = new Set<string>();
    const watch = new SourceSecretWatch({
      client: recorder,
      handler: {
        add: (s) => {
          seen.push(`${s.metadata.namespace}/${s.metadata.name}`);
          for (const k of Object.keys(s)) cachedFields.add(k);
        },
      },
    });
    try {
      const inApp = Array.from({ length: MAX_WATCHES_PER_NAMESPACE + 1 }, (_, i) =>
        ps("app", `p${i}`, { name: `s${i}` }),
      );
      for (const p of inApp.slice(0, 2)) watch.track(p);
      assert.deepEqual(watch.describe(), ["app: name:s0", "app: name:s1"]);
      for (const p of inApp.slice(2)) watch.track(p);
      assert.deepEqual(watch.describe(), ["app: all"], "too many names: one watch of the namespace");
      // The namespace watch lists the namespace's Secrets, stripped to metadata.
      await eventually(async () => seen.includes("app/src"), { timeoutMs: 15_000, what: "namespace watch listed" });
      assert.deepEqual([...cachedFields].sort(), ["apiVersion", "kind", "metadata"], "no data kept");
      watch.untrack(inApp[0]!);
      assert.equal(watch.describe().length, MAX_WATCHES_PER_NAMESPACE);

      const many: Stored<PushSecret>[] = [];
      for (let n = 0; many.length <= MAX_WATCHES; n++) {
        for (let i = 0; i < 4; i++) many.push(ps(`ns${n}`, `p${i}`, { selector: { matchLabels: { k: `v${i}` } } }));
      }
      for (const p of many) watch.track(p);
      assert.deepEqual(watch.describe(), ["*: all"], "too many watches: one over the whole scope");
      for (const p of many) watch.untrack(p);
      assert.deepEqual(watch.describe().length, MAX_WATCHES_PER_NAMESPACE, "back to per-namespace watches");
      for (const p of inApp) watch.untrack(p);
      assert.deepEqual(watch.describe(), []);
    } finally {
      await watch.stop();
    }
    await eventually(async () => recorder.sourceWatches().length === 0, {
      timeoutMs: 15_000,
      what: "all source watches closed",
    });
  });
});
