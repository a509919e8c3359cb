/**
 * GitOps drift (ESO 2.9, #6453/#6798): an ExternalSecret that omits the strategy and policy fields is stored as
 * written, so an apply-based tool comparing it with its manifest sees no difference; the sync treats the omitted
 * fields as their old defaults (Default keys, no decoding, no tag fetch, NUL bytes allowed).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  useHarness,
  waitForSecretData,
} from "../support/world.js";

const NS = "gitops";
const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("store", NS, [
      { key: "db", value: "aGVsbG8=" },
      { key: "json", value: '{"user":"app"}' },
    ]),
  );
});

describe("strategy fields without schema defaults", () => {
  it("stores the ExternalSecret as applied and syncs with the old defaults", async () => {
    const manifest = externalSecret("es", NS, {
      secretStoreRef: { name: "store", kind: "SecretStore" },
      data: [{ secretKey: "db", remoteRef: { key: "db" } }],
      dataFrom: [{ extract: { key: "json" } }, { find: { name: { regexp: "^db$" } } }],
    });
    await h.client.create(EXTERNAL_SECRETS, manifest);
    const stored = await h.client.get(EXTERNAL_SECRETS, NS, "es");
    assert.deepEqual(stored.spec.data, manifest.spec.data);
    assert.deepEqual(stored.spec.dataFrom, manifest.spec.dataFrom);

    // No decoding: the base64 text stays as it is.
    assert.deepEqual(await waitForSecretData(h, NS, "es"), { db: "aGVsbG8=", user: "app" });
    assert.equal((await readyCondition(h, EXTERNAL_SECRETS, NS, "es"))?.status, "True");
  });
});
