import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { registerBuiltinGenerators } from "../../src/generators/builtin.js";
import { base32Encode } from "../../src/generators/encoding.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { DEFAULT_SYMBOLS, generatePassword } from "../../src/generators/password/password.js";
import { getGenerator, resolveGenerator } from "../../src/generators/registry.js";

registerBuiltinGenerators();

const ctx = {} as GeneratorContext;
const text = (b: Buffer | undefined) => (b ?? Buffer.alloc(0)).toString();

describe("Password generator", () => {
  test("defaults: 24 characters, a quarter digits and a quarter symbols, no repeats", async () => {
    for (let i = 0; i < 50; i++) {
      const { data } = await getGenerator("Password")!.generate({}, ctx);
      const pw = text(data.password);
      assert.equal(pw.length, 24);
      assert.equal(pw.replace(/[^0-9]/g, "").length, 6);
      assert.equal([...pw].filter((c) => DEFAULT_SYMBOLS.includes(c)).length, 6);
      assert.equal(new Set(pw).size, 24, "no character repeats without allowRepeat");
    }
  });

  test("noUpper, explicit counts and symbol set are honoured", () => {
    const pw = generatePassword({
      length: 40,
      digits: 5,
      symbols: 5,
      symbolCharacters: "-_",
      noUpper: true,
      allowRepeat: true,
    });
    assert.equal(pw.length, 40);
    assert.match(pw, /^[a-z0-9_-]+$/);
    assert.equal(pw.replace(/[^0-9]/g, "").length, 5);
    assert.equal(pw.replace(/[^_-]/g, "").length, 5);
  });

  test("letters are spread across the alphabet (no bias toward the start)", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      for (const c of generatePassword({
        length: 26,
        digits: 0,
        symbols: 0,
        symbolCharacters: "",
        noUpper: true,
        allowRepeat: true,
      })) {
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    assert.equal(counts.size, 26);
    for (const n of counts.values()) assert.ok(n > 250 && n < 550, `letter frequency ${n} out of range`);
  });

  test("impossible requests fail naming the field", () => {
    assert.throws(
      () =>
        generatePassword({
          length: 4,
          digits: 3,
          symbols: 3,
          symbolCharacters: "!",
          noUpper: false,
          allowRepeat: true,
        }),
      /spec\.digits \+ spec\.symbols/,
    );
    assert.throws(
      () =>
        generatePassword({
          length: 12,
          digits: 11,
          symbols: 0,
          symbolCharacters: "",
          noUpper: false,
          allowRepeat: false,
        }),
      /spec\.digits/,
    );
  });

  test("encoding and secretKeys", async () => {
    const { data } = await getGenerator("Password")!.generate(
      { length: 16, encoding: "hex", secretKeys: ["a", "b"] },
      ctx,
    );
    assert.deepEqual(Object.keys(data).sort(), ["a", "b"]);
    assert.match(text(data.a), /^[0-9a-f]{32}$/);
    assert.notEqual(text(data.a), text(data.b));
    await assert.rejects(getGenerator("Password")!.generate({ encoding: "rot13" }, ctx), /spec\.encoding/);
  });

  test("base32 matches RFC 4648 test vectors", () => {
    assert.equal(base32Encode(Buffer.from("")), "");
    assert.equal(base32Encode(Buffer.from("f")), "MY======");
    assert.equal(base32Encode(Buffer.from("foob")), "MZXW6YQ=");
    assert.equal(base32Encode(Buffer.from("foobar")), "MZXW6YTBOI======");
  });
});

describe("UUID and Fake generators", () => {
  test("UUID yields a fresh v4 uuid each call", async () => {
    const a = text((await getGenerator("UUID")!.generate({}, ctx)).data.uuid);
    const b = text((await getGenerator("UUID")!.generate({}, ctx)).data.uuid);
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
  });

  test("Fake returns its data", async () => {
    const { data } = await getGenerator("Fake")!.generate({ data: { foo: "bar" } }, ctx);
    assert.deepEqual(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, text(v)])), { foo: "bar" });
  });
});

describe("ClusterGenerator resolution", () => {
  test("unwraps the named kind's spec", () => {
    const { generator, spec } = resolveGenerator({
      kind: "ClusterGenerator",
      spec: { kind: "Password", generator: { passwordSpec: { length: 42 } } },
    });
    assert.equal(generator.kind, "Password");
    assert.deepEqual(spec, { length: 42 });
  });

  test("errors name the field", () => {
    assert.throws(() => resolveGenerator({ kind: "ClusterGenerator", spec: {} }), /spec\.kind/);
    assert.throws(
      () => resolveGenerator({ kind: "ClusterGenerator", spec: { kind: "UUID", generator: {} } }),
      /spec\.generator\.uuidSpec/,
    );
    assert.throws(() => resolveGenerator({ kind: "Nope" }), /generatorRef\.kind/);
  });
});

describe("SSHKey generator", () => {
  const dir = mkdtempSync(join(tmpdir(), "sshkey-"));
  const keygenPublic = (privateKey: string) => {
    const file = join(dir, "key");
    writeFileSync(file, privateKey, { mode: 0o600 });
    return execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" });
  };

  for (const spec of [
    { keyType: "ed25519", comment: "ci@example" },
    { keyType: "rsa", keySize: 2048 },
  ]) {
    test(`${spec.keyType}: ssh-keygen reads the private key and derives the same public key`, async () => {
      const { data } = await getGenerator("SSHKey")!.generate(spec, ctx);
      const derived = keygenPublic(text(data.privateKey)).trim().split(" ").slice(0, 2).join(" ");
      const published = text(data.publicKey).trim().split(" ");
      assert.equal(derived, published.slice(0, 2).join(" "));
      assert.equal(published[0], spec.keyType === "rsa" ? "ssh-rsa" : "ssh-ed25519");
      if (spec.comment) assert.equal(published[2], spec.comment);
    });
  }

  test("unsupported type and size fail naming the field", async () => {
    await assert.rejects(getGenerator("SSHKey")!.generate({ keyType: "dsa" }, ctx), /spec\.keyType/);
    await assert.rejects(getGenerator("SSHKey")!.generate({ keyType: "rsa", keySize: 1024 }, ctx), /spec\.keySize/);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));
});
