/**
 * MFA: RFC 6238 appendix B's test vectors (SHA-1, SHA-256, SHA-512, 8 digits) on an injected clock and through
 * spec.when, upstream's defaults (6 digits, 30 s, sha1) and output keys (token, timeLeft), codes following the
 * clock, seed clean-up, refusals naming the field without the seed, and tenancy.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MFASpec } from "../../src/api/generators/mfa.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { newMfaGenerator } from "../../src/generators/mfa/index.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding, as authenticator apps show seeds. */
function base32(data: Buffer): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return bits > 0 ? out + ALPHABET[(acc << (5 - bits)) & 31] : out;
}

// RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to the hash's block of key bytes.
const SEEDS = {
  sha1: Buffer.from("12345678901234567890"),
  sha256: Buffer.from("12345678901234567890123456789012"),
  sha512: Buffer.from("1234567890123456789012345678901234567890123456789012345678901234"),
};
const VECTORS: [number, Record<keyof typeof SEEDS, string>][] = [
  [59, { sha1: "94287082", sha256: "46119246", sha512: "90693936" }],
  [1111111109, { sha1: "07081804", sha256: "68084774", sha512: "25091201" }],
  [1111111111, { sha1: "14050471", sha256: "67062674", sha512: "99943326" }],
  [1234567890, { sha1: "89005924", sha256: "91819424", sha512: "93441116" }],
  [2000000000, { sha1: "69279037", sha256: "90698825", sha512: "38618901" }],
  [20000000000, { sha1: "65353130", sha256: "77737706", sha512: "47863826" }],
];

class TestClock {
  constructor(public ms: number) {}
  now() {
    return this.ms;
  }
}

const kube = new MemoryKubeAccess()
  .setSecret("team-a", "seeds", {
    sha1: base32(SEEDS.sha1),
    sha256: base32(SEEDS.sha256),
    sha512: base32(SEEDS.sha512),
    // As a provider shows it: lower case, in groups of four, padded, with the newline `kubectl create` keeps.
    grouped: `${base32(SEEDS.sha1)
      .toLowerCase()
      .replace(/(.{4})/g, "$1 ")}====\n`,
    bad: "THIS-IS-NOT-BASE32",
    foo: "foo",
  })
  .setSecret("team-b", "seeds", { sha1: base32(SEEDS.sha1) });
const ctx: GeneratorContext = { kube, namespace: "team-a" };
const secret = (key: string) => ({ name: "seeds", key });

async function run(spec: MFASpec, atSeconds: number) {
  const out = await newMfaGenerator(new TestClock(atSeconds * 1000)).generate(spec, ctx);
  return { token: out.data.token?.toString(), timeLeft: out.data.timeLeft?.toString(), keys: Object.keys(out.data) };
}

async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

describe("MFA: RFC 6238 appendix B", () => {
  for (const [at, codes] of VECTORS) {
    for (const algorithm of ["sha1", "sha256", "sha512"] as const) {
      test(`${algorithm} at ${at}`, async () => {
        const got = await run({ secret: secret(algorithm), algorithm, length: 8 }, at);
        assert.equal(got.token, codes[algorithm]);
      });
    }
  }

  test("spec.when pins the time instead of the clock", async () => {
    const got = await run({ secret: secret("sha1"), length: 8, when: "2005-03-18T01:58:29Z" }, 0);
    assert.equal(got.token, "07081804");
    const far = await run(
      { secret: secret("sha512"), algorithm: "sha512", length: 8, when: "2603-10-11T11:33:20Z" },
      0,
    );
    assert.equal(far.token, "47863826");
  });
});

describe("MFA generator", () => {
  test("defaults are upstream's: 6 digits, sha1, 30 s; keys token and timeLeft", async () => {
    const got = await run({ secret: secret("sha1") }, 59);
    assert.deepEqual(got.keys.sort(), ["timeLeft", "token"]);
    assert.equal(got.token, "287082", "the 6 low digits of RFC 6238's 94287082");
    assert.equal(got.timeLeft, "1");
  });

  test("the code follows the clock: fixed within a period, timeLeft counting down, new in the next period", async () => {
    const clock = new TestClock(1_111_111_080_000);
    const gen = newMfaGenerator(clock);
    const at = async () => {
      const d = (await gen.generate({ secret: secret("sha1") }, ctx)).data;
      return { token: d.token!.toString(), timeLeft: Number(d.timeLeft!.toString()) };
    };
    const start = await at();
    assert.equal(start.timeLeft, 30);
    clock.ms += 29_900;
    const end = await at();
    assert.equal(end.token, start.token);
    assert.equal(end.timeLeft, 1);
    clock.ms += 100;
    const next = await at();
    assert.notEqual(next.token, start.token);
    assert.equal(next.timeLeft, 30);
  });

  test("timePeriod and algorithm change the code; algorithm names are case-insensitive", async () => {
    const base = await run({ secret: secret("sha1"), length: 8 }, 59);
    const minute = await run({ secret: secret("sha1"), length: 8, timePeriod: 60 }, 59);
    assert.notEqual(minute.token, base.token);
    assert.equal(minute.timeLeft, "1");
    const upper = await run({ secret: secret("sha256"), algorithm: "SHA256", length: 8 }, 59);
    assert.equal(upper.token, "46119246");
  });

  test("long codes are zero-padded as upstream (its example asks for 42 digits)", async () => {
    const got = await run({ secret: secret("sha1"), length: 42 }, 59);
    assert.equal(got.token?.length, 42);
    assert.match(got.token!, /^0{32}\d{10}$/);
    const eight = await run({ secret: secret("sha1"), length: 8 }, 59);
    assert.ok(got.token!.endsWith(eight.token!));
  });

  test("a seed with spaces, lower case, padding and a trailing newline gives the same code", async () => {
    const clean = await run({ secret: secret("sha1"), length: 8 }, 59);
    const grouped = await run({ secret: secret("grouped"), length: 8 }, 59);
    assert.equal(grouped.token, clean.token);
  });

  test("unusable seeds name spec.secret and never repeat the seed", async () => {
    const bad = await failure(() => run({ secret: secret("bad") }, 59));
    assert.match(bad.message, /^spec\.secret: key "bad" is not a usable TOTP seed: .*outside the base32 alphabet/);
    assert.ok(!bad.message.includes("THIS-IS-NOT-BASE32"));
    const foo = await failure(() => run({ secret: secret("foo") }, 59));
    assert.match(foo.message, /impossible base32 length/);
  });

  test("spec errors name their field", async () => {
    const missing = await failure(() => run({ secret: { name: "absent", key: "k" } }, 59));
    assert.match(missing.message, /^spec\.secret: Secret team-a\/absent not found/);
    const noKey = await failure(() => run({ secret: secret("nope") }, 59));
    assert.match(noKey.message, /^spec\.secret: key "nope" not found/);
    const algorithm = await failure(() => run({ secret: secret("sha1"), algorithm: "md5" }, 59));
    assert.match(algorithm.message, /^spec\.algorithm: must be one of sha1, sha256, sha384, sha512, sha512_256/);
    const long = await failure(() => run({ secret: secret("sha1"), length: 1000 }, 59));
    assert.match(long.message, /^spec\.length: must be at most 64/);
    const when = await failure(() => run({ secret: secret("sha1"), when: "yesterday" }, 59));
    assert.match(when.message, /^spec\.when: must be an RFC 3339 time/);
  });

  test("tenancy: the seed is read from the requesting namespace only", async () => {
    const err = await failure(() => run({ secret: { name: "seeds", key: "sha1", namespace: "team-b" } }, 59));
    assert.match(err.message, /^spec\.secret\.namespace: a SecretStore may not reference another namespace/);
  });
});
