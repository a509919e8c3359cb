/**
 * dataFrom[].select end to end through the in-process API server and the running controllers: the Secret holds
 * only the keys the rules leave, a changed rule reshapes it on the next sync, rules see the rewritten names, an
 * uncompilable regexp turns Ready False and leaves the Secret as it was, the schema refuses a bad operation, and a
 * v1beta1 client that updates the object does not lose the rules.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { convert } from "../../src/api/conversion.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  forceSync,
  readyCondition,
  secretData,
  useHarness,
  waitForSecretData,
} from "../support/world.js";

const NS = "select";
const REMOTE = { db_host: "db.internal", db_port: "5432", db_password: "s3cret", app_name: "shop", _meta: "x" };

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(h, fakeStore("fake", NS, [{ key: "app", value: JSON.stringify(REMOTE) }]));
});

function spec(entry: Record<string, unknown>) {
  return { refreshInterval: "1h", secretStoreRef: { name: "fake" }, dataFrom: [{ extract: { key: "app" }, ...entry }] };
}

const sortedKeys = (m: Record<string, string>) => Object.keys(m).sort();

describe("dataFrom[].select", () => {
  it("Include then Exclude leaves only the selected keys, and a changed rule reshapes the Secret", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret(
        "db",
        NS,
        spec({
          select: [
            { regexp: "^db_", operation: "Include" },
            { names: ["db_password"], operation: "Exclude" },
          ],
        }),
      ),
    );
    const data = await waitForSecretData(h, NS, "db");
    assert.deepEqual(data, { db_host: "db.internal", db_port: "5432" });

    await forceSync(h, NS, "db", (es) => {
      es.spec.dataFrom[0].select = [{ regexp: "^_", operation: "Exclude" }];
    });
    await eventually(async () => sortedKeys(await secretData(h, NS, "db")).length === 4, { what: "reshaped Secret" });
    assert.deepEqual(sortedKeys(await secretData(h, NS, "db")), ["app_name", "db_host", "db_password", "db_port"]);
  });

  it("matches the rewritten key names", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret(
        "rewritten",
        NS,
        spec({
          rewrite: [{ regexp: { source: "^db_", target: "DB_" } }],
          select: [{ regexp: "^DB_", operation: "Include" }],
        }),
      ),
    );
    assert.deepEqual(sortedKeys(await waitForSecretData(h, NS, "rewritten")), ["DB_host", "DB_password", "DB_port"]);
  });

  it("an uncompilable regexp fails the sync and keeps the last good Secret", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("broken", NS, spec({ select: [{ names: ["app_name"], operation: "Include" }] })),
    );
    assert.deepEqual(await waitForSecretData(h, NS, "broken"), { app_name: "shop" });
    await forceSync(h, NS, "broken", (es) => {
      es.spec.dataFrom[0].select = [{ regexp: "(?<!x)", operation: "Include" }];
    });
    const ready = await eventually(
      async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "broken");
        return c?.status === "False" ? c : undefined;
      },
      { what: "Ready False" },
    );
    assert.match(ready.message ?? "", /select\[0\]: invalid regexp/);
    assert.doesNotMatch(ready.message ?? "", /shop|s3cret/);
    assert.deepEqual(await secretData(h, NS, "broken"), { app_name: "shop" });
  });

  it("the schema refuses an unknown or missing operation", async () => {
    for (const [name, rule] of [
      ["bad-op", { names: ["a"], operation: "Drop" }],
      ["no-op", { names: ["a"] }],
    ] as const) {
      await assert.rejects(
        h.client.create(EXTERNAL_SECRETS, externalSecret(name, NS, spec({ select: [rule] }))),
        /Unsupported value|Required value|must have required property/,
        name,
      );
    }
  });

  it("an update through v1beta1 (which has no select) keeps the rules", async () => {
    const select = [{ names: ["app_name", "_meta"], operation: "Exclude" }];
    await h.client.create(EXTERNAL_SECRETS, externalSecret("beta", NS, spec({ select })));
    await eventually(async () => sortedKeys(await secretData(h, NS, "beta")).length === 3, { what: "first sync" });
    // What the conversion webhook does in a cluster.
    h.api.setConverter("external-secrets.io", (obj, version) => convert(obj, `external-secrets.io/${version}`));
    const BETA = { ...EXTERNAL_SECRETS, version: "v1beta1" };
    const old = await h.client.get(BETA, NS, "beta");
    assert.equal(old.apiVersion, "external-secrets.io/v1beta1");
    assert.equal(old.spec.dataFrom[0].select, undefined);
    old.metadata.labels = { touched: "yes" };
    await h.client.update(BETA, old);
    const v1 = await h.client.get(EXTERNAL_SECRETS, NS, "beta");
    assert.equal(v1.metadata.labels.touched, "yes");
    assert.deepEqual(v1.spec.dataFrom[0].select, select);
    await eventually(async () => (await readyCondition(h, EXTERNAL_SECRETS, NS, "beta"))?.status === "True", {
      what: "still Ready",
    });
    assert.deepEqual(sortedKeys(await secretData(h, NS, "beta")), ["db_host", "db_password", "db_port"]);
  });
});
