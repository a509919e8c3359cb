/**
 * dataFrom[].select: rules run in order on the working set of keys (after rewrite); Exclude drops matches, Include
 * keeps only matches still present, names and regexp (Go RE2) either matching counts. Also the admission rule,
 * the v1beta1 round trip and a failing sync on a regexp that does not compile.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { toV1beta1Object, toV1Object } from "../../../src/api/conversion.js";
import type { ExternalSecretSelect } from "../../../src/api/externalsecret.js";
import { validationErrors } from "../../../src/api/validation.js";
import { collectSecretData } from "../../../src/controllers/externalsecret/pipeline/collect.js";
import { selectKeys } from "../../../src/controllers/externalsecret/pipeline/select.js";
import { transformDataFrom } from "../../../src/controllers/externalsecret/pipeline/transform.js";
import { renderExternalSecret } from "../../../src/sandbox/render.js";
import { repoPath } from "../../api/repo.js";
import { b, es, render, text } from "./fixtures.js";

const keys = (rules: ExternalSecretSelect[], names: string[]) =>
  Object.keys(selectKeys(rules, Object.fromEntries(names.map((n) => [n, b(n)])))).sort();

const HPP = ["host", "port", "password"];

describe("selectKeys", () => {
  it("keeps every key without rules", () => {
    assert.deepEqual(keys([], HPP), ["host", "password", "port"]);
    assert.deepEqual(Object.keys(selectKeys(undefined, { a: 1 })), ["a"]);
  });
  it("Exclude by names drops exactly those keys", () => {
    const rules: ExternalSecretSelect[] = [{ names: ["notesPlain", "username"], operation: "Exclude" }];
    assert.deepEqual(keys(rules, ["host", "notesPlain", "username", "password"]), ["host", "password"]);
  });
  it("Include keeps only the matched keys", () => {
    assert.deepEqual(keys([{ regexp: "^db_", operation: "Include" }], ["db_host", "db_port", "app_name"]), [
      "db_host",
      "db_port",
    ]);
  });
  it("Include then Exclude narrows twice", () => {
    const rules: ExternalSecretSelect[] = [
      { regexp: "^db_", operation: "Include" },
      { names: ["db_password"], operation: "Exclude" },
    ];
    assert.deepEqual(keys(rules, ["db_host", "db_port", "db_password", "app_name"]), ["db_host", "db_port"]);
  });
  it("a later Include never brings back a key an earlier rule dropped", () => {
    assert.deepEqual(
      keys(
        [
          { names: ["host"], operation: "Exclude" },
          { regexp: ".*", operation: "Include" },
        ],
        HPP,
      ),
      ["password", "port"],
    );
    assert.deepEqual(
      keys(
        [
          { regexp: ".*", operation: "Exclude" },
          { regexp: ".*", operation: "Include" },
        ],
        HPP,
      ),
      [],
    );
    assert.deepEqual(
      keys(
        [
          { regexp: "^foo-", operation: "Exclude" },
          { regexp: "^bar-", operation: "Include" },
        ],
        ["foo-1", "foo-2", "bar-1", "bar-2", "other"],
      ),
      ["bar-1", "bar-2"],
    );
  });
  it("Include everything then Exclude everything leaves nothing", () => {
    const rules: ExternalSecretSelect[] = [
      { regexp: ".*", operation: "Include" },
      { regexp: ".*", operation: "Exclude" },
    ];
    assert.deepEqual(keys(rules, HPP), []);
  });
  it("with names and regexp on one rule, a key matching either is matched", () => {
    assert.deepEqual(keys([{ regexp: "^p", names: ["host"], operation: "Exclude" }], [...HPP, "user"]), ["user"]);
  });
  it("names match whole keys only; regexp matches anywhere unless anchored (Go semantics)", () => {
    assert.deepEqual(keys([{ names: ["pass"], operation: "Exclude" }], HPP), ["host", "password", "port"]);
    assert.deepEqual(keys([{ regexp: "ss", operation: "Exclude" }], HPP), ["host", "port"]);
    assert.deepEqual(keys([{ regexp: "^(?i)HOST$", operation: "Include" }], HPP), ["host"]);
  });
  it("runs on RE2: Go syntax is accepted, Perl-only constructs are refused", () => {
    assert.deepEqual(keys([{ regexp: "\\Apo\\z|^\\pL+d$", operation: "Include" }], [...HPP, "po"]), ["password", "po"]);
    assert.throws(() => keys([{ regexp: "(?=x)", operation: "Include" }], HPP), /select\[0\]: invalid regexp/);
    assert.throws(() => keys([{ regexp: "(a)\\1", operation: "Include" }], HPP), /select\[0\]: invalid regexp/);
  });
  it("refuses a rule with neither regexp nor names instead of treating it as matching nothing", () => {
    assert.throws(() => keys([{ names: [], operation: "Include" }], HPP), /either regexp or at least one name/);
  });
});

describe("select in the transform step", () => {
  const fetched = {
    map: { "path/to/password": b("p"), "path/to/user": b("u"), "path/to/_meta": b("m") },
    generated: false,
  };
  it("matches the rewritten names, not the provider's", async () => {
    const entry = {
      extract: { key: "k" },
      rewrite: [{ regexp: { source: "path/to/", target: "" } }],
      select: [{ names: ["password"], operation: "Include" as const }],
    };
    assert.deepEqual(text(await transformDataFrom(entry, 0, fetched, render)), { password: "p" });
    const before = { ...entry, select: [{ names: ["path/to/password"], operation: "Include" as const }] };
    assert.deepEqual(text(await transformDataFrom(before, 0, fetched, render)), {});
  });
  it("runs before key conversion: it matches the provider's names, and a dropped key cannot collide", async () => {
    const map = { "a b": b("x"), a_b: b("y") };
    const extract = { key: "k" };
    await assert.rejects(transformDataFrom({ extract }, 0, { map, generated: false }, render), /collision/);
    const drop = { extract, select: [{ names: ["a b"], operation: "Exclude" as const }] };
    assert.deepEqual(text(await transformDataFrom(drop, 0, { map, generated: false }, render)), { a_b: "y" });
    const keep = { extract, select: [{ names: ["a b"], operation: "Include" as const }] };
    assert.deepEqual(text(await transformDataFrom(keep, 0, { map, generated: false }, render)), { a_b: "x" });
  });
  it("runs before key validation: a dropped invalid key does not fail the sync", async () => {
    const map = { "x/y": b("x"), good: b("y") };
    const rewrite = [{ regexp: { source: "^g", target: "g" } }];
    await assert.rejects(transformDataFrom({ extract: { key: "k" }, rewrite }, 0, { map, generated: false }, render));
    const entry = { extract: { key: "k" }, rewrite, select: [{ regexp: "/", operation: "Exclude" as const }] };
    assert.deepEqual(text(await transformDataFrom(entry, 0, { map, generated: false }, render)), { good: "y" });
  });
  it("applies to generator output too", async () => {
    const entry = {
      sourceRef: {
        generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password" as const, name: "p" },
      },
      select: [{ names: ["password"], operation: "Include" as const }],
    };
    const out = await transformDataFrom(
      entry,
      0,
      { map: { password: b("x"), extra: b("y") }, generated: true },
      render,
    );
    assert.deepEqual(text(out), { password: "x" });
  });
  it("a regexp that does not compile fails the sync with the index of the entry and the rule", async () => {
    const sources = {
      client: async () => ({ getSecretMap: async () => ({ a: b("1") }) }),
    } as never;
    const spec = {
      dataFrom: [
        { extract: { key: "k" } },
        { extract: { key: "k" }, select: [{ regexp: "(", operation: "Include" as const }] },
      ],
    };
    await assert.rejects(
      collectSecretData(es(spec), sources, render),
      /spec\.dataFrom\[1\].*select\[0\]: invalid regexp/,
    );
  });
});

describe("select at admission and across versions", () => {
  const obj = (select: unknown) => ({
    ...es({ dataFrom: [{ extract: { key: "k" }, select } as never] }),
    metadata: { name: "es", namespace: "ns" },
  });
  it("accepts upstream's shapes and refuses a rule without regexp or names, a bad operation, a bad regexp", () => {
    assert.deepEqual(
      validationErrors(
        obj([
          { names: ["a"], operation: "Exclude" },
          { regexp: ".*", operation: "Include" },
        ]),
      ),
      [],
    );
    const messages = (select: unknown) => validationErrors(obj(select)).map((e) => `${e.path}: ${e.message}`);
    assert.match(
      messages([{ operation: "Exclude" }]).join("\n"),
      /dataFrom\[0\]\.select\[0\]: either regexp or at least one name/,
    );
    assert.match(messages([{ names: [], operation: "Exclude" }]).join("\n"), /either regexp or at least one name/);
    assert.match(messages([{ names: ["a"], operation: "Drop" }]).join("\n"), /select\[0\]\.operation/);
    assert.match(messages([{ names: ["a"] }]).join("\n"), /select\[0\]\.operation/);
    assert.match(
      messages([{ regexp: "a(", operation: "Include" }]).join("\n"),
      /select\[0\]\.regexp: invalid regular expression/,
    );
  });
  it("survives a v1 -> v1beta1 -> v1 round trip, and v1beta1 does not carry it", () => {
    const select = [
      { regexp: "^_", operation: "Exclude" },
      { names: ["x"], operation: "Exclude" },
    ];
    const v1 = {
      ...es({ dataFrom: [{ find: { name: { regexp: ".*" } } }, { extract: { key: "k" }, select } as never] }),
      metadata: { name: "es", namespace: "ns" },
    };
    const beta = toV1beta1Object(structuredClone(v1));
    assert.equal(beta.apiVersion, "external-secrets.io/v1beta1");
    assert.equal((beta.spec.dataFrom![1] as { select?: unknown }).select, undefined);
    assert.deepEqual(validationErrors(beta), []);
    assert.deepEqual(toV1Object(beta), v1);
  });
});

describe("select in eso render", () => {
  it("renders examples/externalsecrets/datafrom-select.yaml to the keys its rules leave", async () => {
    const manifest = parse(readFileSync(repoPath("examples", "externalsecrets", "datafrom-select.yaml"), "utf8"));
    const remote = { "mail.host": "smtp.example", "mail.port": "587", "mail.relay_password": "pw", owner: "ops" };
    const { secret } = await renderExternalSecret({
      externalSecret: manifest,
      objects: [],
      data: { "demo/mailer": JSON.stringify(remote) },
    });
    const data = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    );
    assert.deepEqual(data, { smtp_host: "smtp.example", smtp_port: "587" });
  });
});
