/**
 * ExternalSecret fields of current upstream, end to end through the in-process API server (so the CRD schema keeps
 * them) and the running controllers: dataFrom[].find.nullBytePolicy, rewrite[].merge.priorityPolicy and
 * target.template.templateFrom[].valuesDecodingStrategy.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  secretData,
  useHarness,
} from "../support/world.js";

const NS = "upstream-fields";

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("fake", NS, [
      { key: "cfg-a", value: '{"host":"a.local","port":"1"}' },
      { key: "cfg-b", value: '{"host":"b.local"}' },
      { key: "nul-1", value: "before\u0000after" },
      { key: "token", value: "c2VjcmV0LXRva2Vu" },
    ]),
  );
});

describe("ExternalSecret upstream fields", () => {
  it("rewrite merge priorityPolicy IgnoreNotFound skips a missing priority key; the API server keeps the field", async () => {
    const dataFrom = (priorityPolicy?: string) => [
      {
        find: { name: { regexp: "^cfg-" } },
        rewrite: [
          {
            merge: {
              priority: ["cfg-missing", "cfg-a"],
              conflictPolicy: "Ignore",
              ...(priorityPolicy ? { priorityPolicy } : {}),
            },
          },
        ],
      },
    ];
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("merge-lenient", NS, { secretStoreRef: { name: "fake" }, dataFrom: dataFrom("IgnoreNotFound") }),
    );
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("merge-strict", NS, { secretStoreRef: { name: "fake" }, dataFrom: dataFrom() }),
    );
    await eventually(async () => (await secretData(h, NS, "merge-lenient")).host === "a.local", {
      timeoutMs: 15_000,
      what: "merged with cfg-a last",
    });
    assert.deepEqual(await secretData(h, NS, "merge-lenient"), { host: "a.local", port: "1" });
    const stored = await h.client.get(EXTERNAL_SECRETS, NS, "merge-lenient");
    assert.equal(stored.spec.dataFrom[0].rewrite[0].merge.priorityPolicy, "IgnoreNotFound");
    const strict = await h.client.get(EXTERNAL_SECRETS, NS, "merge-strict");
    assert.equal(strict.spec.dataFrom[0].rewrite[0].merge.priorityPolicy, "Strict", "upstream's default");
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "merge-strict");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message ?? "", /could not get secret data from provider/);
  });

  it("find.nullBytePolicy Fail refuses a found value with a NUL byte; Ignore writes it", async () => {
    const spec = (nullBytePolicy: string) => ({
      secretStoreRef: { name: "fake" },
      dataFrom: [{ find: { name: { regexp: "^nul-" }, nullBytePolicy } }],
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("nul-fail", NS, spec("Fail")));
    await h.client.create(EXTERNAL_SECRETS, externalSecret("nul-ignore", NS, spec("Ignore")));
    await eventually(async () => (await secretData(h, NS, "nul-ignore"))["nul-1"] === "before\u0000after", {
      timeoutMs: 15_000,
      what: "Ignore writes the value",
    });
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "nul-fail");
      return c?.status === "False" ? c : undefined;
    });
    assert.equal(cond.reason, "SecretSyncedError");
    assert.deepEqual(await secretData(h, NS, "nul-fail"), {}, "nothing written");
  });

  it("templateFrom valuesDecodingStrategy decodes what the template renders", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("decoded", NS, {
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "token", remoteRef: { key: "token" } }],
        target: {
          template: {
            templateFrom: [
              { literal: "plain: {{ .token }}", valuesDecodingStrategy: "Base64" },
              { literal: "raw: {{ .token }}" },
            ],
          },
        },
      }),
    );
    await eventually(async () => (await secretData(h, NS, "decoded")).plain === "secret-token", {
      timeoutMs: 15_000,
      what: "decoded",
    });
    assert.equal((await secretData(h, NS, "decoded")).raw, "c2VjcmV0LXRva2Vu");
  });
});
