import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readCRDs, specLeafPaths } from "./crd-fields.js";
import { canonical, loadSources, readerOf, stripComments } from "./field-readers.js";
import { repoPath, repoRoot } from "./repo.js";
import { allowListed, unreadFields } from "./unread-fields.allowlist.js";

const crds = readCRDs(repoPath("deploy/crds/bundle.yaml"));
const sources = loadSources(repoRoot());

/** Every accepted leaf field once, in canonical form (`<Kind> <path>`), with the kinds it was reached from. */
function acceptedFields(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const crd of crds) {
    const kind = crd.spec.names.kind;
    for (const path of specLeafPaths(crd)) {
      const c = canonical(kind, path);
      const key = `${c.kind} ${c.path}`;
      out.set(key, [...(out.get(key) ?? []), kind]);
    }
  }
  return out;
}

const unread = () => {
  const out: string[] = [];
  for (const key of acceptedFields().keys()) {
    const [kind, path] = key.split(" ") as [string, string];
    if (!readerOf(kind, path, sources)) out.push(key);
  }
  return out.sort();
};

describe("accepted-but-unread fields", () => {
  test("the reader search finds real readers, misses invented fields and keeps to the provider's own code", () => {
    assert.ok(readerOf("ExternalSecret", "spec.refreshInterval", sources));
    assert.ok(readerOf("ExternalSecret", "spec.dataFrom[].find.name.regexp", sources));
    assert.ok(readerOf("SecretStore", "spec.provider.vault.auth.tokenSecretRef.key", sources));
    assert.equal(readerOf("ExternalSecret", "spec.target.noSuchFieldQx7", sources), undefined);
    // akeylessGWApiURL is read by the akeyless provider only: under another provider it has no reader.
    assert.ok(readerOf("SecretStore", "spec.provider.akeyless.akeylessGWApiURL", sources));
    assert.equal(readerOf("SecretStore", "spec.provider.fake.akeylessGWApiURL", sources), undefined);
    // A name mentioned only in a comment is not read.
    assert.equal(stripComments("// spec.fooBar\n/* .fooBar */ const x = '.fooBar';"), "\n const x = '.fooBar';");
    // Cluster kinds answer through the kind whose spec they embed.
    assert.deepEqual(canonical("ClusterExternalSecret", "spec.externalSecretSpec.refreshInterval"), {
      kind: "ExternalSecret",
      path: "spec.refreshInterval",
    });
    assert.deepEqual(canonical("ClusterGenerator", "spec.generator.passwordSpec.length"), {
      kind: "Password",
      path: "spec.length",
    });
  });

  test("every field the CRDs accept has a reader outside src/api/ or a justified allow-list entry", (t) => {
    const missing = unread().filter((key) => !allowListed(key));
    assert.deepEqual(
      missing,
      [],
      `accepted but nothing reads them: make them work, or add each to test/api/unread-fields.allowlist.ts with a reason:\n${missing.join("\n")}`,
    );
    const listed = unread().filter((key) => allowListed(key));
    t.diagnostic(`${acceptedFields().size} distinct accepted fields; ${listed.length} unread and allow-listed:`);
    for (const key of listed) t.diagnostic(`  ${key} (${allowListed(key)!.owner ?? "kept"})`);
  });

  test("every allow-list entry still names an accepted, unread field (remove entries whose fields now work)", () => {
    const accepted = [...acceptedFields().keys()];
    const stillUnread = unread();
    for (const entry of unreadFields) {
      const covered = accepted.filter((key) => allowListed(key) === entry);
      assert.ok(covered.length > 0, `${entry.field}: no longer accepted by the CRDs; remove the entry`);
      const read = covered.filter((key) => !stillUnread.includes(key));
      assert.deepEqual(read, [], `${entry.field}: now read by the code; remove the entry (or narrow it)`);
    }
  });

  test("every allow-list entry says why the field may stay unread", () => {
    for (const entry of unreadFields) {
      assert.match(entry.field, /^[A-Z][A-Za-z]+ spec(\.[A-Za-z0-9[\]{}]+)*(\.\*)?$/, entry.field);
      assert.ok(entry.reason.trim().length >= 20, `${entry.field}: a written reason`);
    }
    assert.equal(new Set(unreadFields.map((e) => e.field)).size, unreadFields.length, "no entry twice");
  });
});
