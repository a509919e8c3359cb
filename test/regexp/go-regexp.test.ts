/**
 * Go regexps as ESO users write them (find.name.regexp, rewrite, namespaceRegexes, template regex functions):
 * linear-time matching whatever the expression, Go's semantics where JavaScript's RegExp differs, and Go's
 * messages for syntax Go rejects. Expected values are what Go 1.22+ regexp returns for the same calls.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RegexpError } from "../../src/regexp/errors.js";
import { GoRegexp } from "../../src/regexp/go-regexp.js";
import { RegexpCache } from "../../src/regexp/regexp-cache.js";
import { semverCompare } from "../../src/template/funcs/semver.js";

const re = (expr: string) => new GoRegexp(expr);

function elapsedMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe("linear time", () => {
  const evil = `${"a".repeat(10_000)}!`;

  it("^(a+)+$ against 10,000 a's and a ! takes milliseconds in every operation", () => {
    const r = re("^(a+)+$");
    // generous for a noisy shared machine: a backtracking engine needs longer than the universe has left
    assert.ok(elapsedMs(() => assert.equal(r.matches(evil), false)) < 500);
    assert.ok(elapsedMs(() => assert.deepEqual(r.findAll(evil, -1), [])) < 500);
    assert.ok(elapsedMs(() => assert.equal(r.replaceAllString(evil, "x"), evil)) < 500);
    assert.ok(elapsedMs(() => assert.deepEqual(r.split(evil, -1), [evil])) < 500);
  });

  it("other classic catastrophic shapes stay fast", () => {
    for (const [expr, text] of [
      ["(a|aa)*b", "a".repeat(5000)],
      ["(.*a){20}", `a${"b".repeat(250)}`.repeat(19)],
      ["^(\\w+\\s?)*$", `${"word ".repeat(2000)}!`],
      ["(x+x+)+y", "x".repeat(5000)],
    ] as const) {
      assert.ok(elapsedMs(() => assert.equal(re(expr).matches(text), false)) < 500, expr);
    }
  });

  it("semverCompare's constraint check is linear too (Masterminds' nested-repetition regexp)", () => {
    const constraint = `${"1".repeat(40)}!`;
    assert.ok(elapsedMs(() => assert.throws(() => semverCompare(constraint, "1.0.0"), /improper constraint/)) < 500);
    assert.equal(semverCompare(">= 1.2, < 2.0.0-0 || 3.x", "1.5.0"), true);
    assert.equal(semverCompare("1.2.3 - 1.4", "1.4.9"), true);
    assert.equal(semverCompare("^1.2", "2.0.0"), false);
  });
});

describe("Go semantics where JavaScript's RegExp differs", () => {
  it("an empty match right after a match is skipped (FindAll, ReplaceAll, Split)", () => {
    assert.deepEqual(
      re("a*")
        .findAll("baaab", -1)
        .map((m) => m[0]),
      ["", "aaa", ""],
    );
    assert.equal(re("a*").replaceAllString("baaab", "-"), "-b-b-");
    assert.equal(re("x*").replaceAllString("abc", "-"), "-a-b-c-");
    assert.deepEqual(re("a*").split("abaabaccadaaae", 5), ["", "b", "b", "c", "cadaaae"]);
    assert.deepEqual(re("").split("abc", -1), ["a", "b", "c"]);
    assert.equal(re("\\b").replaceAllString("ab cd", "|"), "|ab| |cd|");
  });

  it("steps over whole code points, not UTF-16 halves", () => {
    assert.deepEqual(
      re(".")
        .findAll("😀x", -1)
        .map((m) => m[0]),
      ["😀", "x"],
    );
    assert.equal(re("").replaceAllString("😀x", "-"), "-😀-x-");
  });

  it("dot, \\s, $ and \\z as Go defines them", () => {
    assert.equal(re("^.$").matches("\r"), true);
    assert.equal(re("^.$").matches("\u2028"), true);
    assert.equal(re("^.$").matches("\n"), false);
    assert.equal(re("(?s)^.$").matches("\n"), true);
    assert.equal(re("\\s").matches("\u00a0"), false);
    assert.equal(re("\\s").matches("\v"), false);
    assert.equal(re("ab$").matches("ab\n"), false);
    assert.equal(re("\\Aab\\z").matches("ab"), true);
    assert.equal(re("\\Aab\\z").matches("ab\n"), false);
    assert.equal(re("(?m)^b$").matches("a\nb\nc"), true);
    assert.equal(re("^b$").matches("a\nb\nc"), false);
  });

  it("flags (?i) (?U) and scoped groups; case folding as Go folds", () => {
    assert.equal(re("(?U)a+").findString("aaa"), "a");
    assert.equal(re("(?U)a+?").findString("aaa"), "aaa");
    assert.equal(re("(?i:A)b").matches("ab"), true);
    assert.equal(re("(?i:A)b").matches("aB"), false);
    assert.equal(re("(?i)k").matches("\u212a"), true);
    assert.equal(re("a|ab").findString("ab"), "a");
  });

  it("classes: negated POSIX, \\S inside a class, Unicode classes, \\Q...\\E", () => {
    assert.equal(re("[[:^alpha:]]+").findString("ab12cd"), "12");
    assert.equal(re("[\\S]+").findString("  xy z"), "xy");
    assert.equal(re("\\pL+").findString("12héllo!"), "héllo");
    assert.equal(re("\\p{Greek}+").findString("abc αβγ"), "αβγ");
    assert.equal(re("\\Q.*\\E+").findString("a.**b"), ".**");
  });

  it("submatches: undefined for a group that did not take part", () => {
    assert.deepEqual(
      re("(a+)(b)?")
        .findAll("aab a", -1)
        .map((m) => [...m]),
      [
        ["aab", "aa", "b"],
        ["a", "a", undefined],
      ],
    );
    assert.equal(re("(?P<x>a)").findAll("a", 1)[0]?.groups?.x, "a");
  });

  it("Expand: $1x is group '1x', ${1}x is group 1 then x, $$ is $, unknown names are empty", () => {
    const r = re("(?P<user>\\w+)@(?P<host>\\w+)");
    assert.equal(r.replaceAllString("bob@example", "$1x|${1}x|$host|${host}|$$|$9|$"), "|bobx|example|example|$||$");
    assert.equal(r.replaceAllLiteralString("bob@example", "$1"), "$1");
    assert.equal(re("^db-(.*)$").replaceAllString("db-password", "$1"), "password");
  });

  it("named groups: (?<name>) as Go 1.22 accepts it, and a name used twice", () => {
    assert.deepEqual(re("(?<name>x)").names, ["", "name"]);
    const twice = re("(?P<n>a)|(?P<n>b)");
    assert.deepEqual(twice.names, ["", "n", "n"]);
    assert.equal(twice.replaceAllString("ab", "[$n]"), "[a][b]");
    // group-like text inside a class or \Q...\E is not a group
    const hidden = re("(?P<n>a)[(?P<n>x)](?P<n>b)\\Q(?P<n>\\E");
    assert.deepEqual(hidden.names, ["", "n", "n"]);
    assert.equal(hidden.replaceAllString("a(b(?P<n>", "[$n|${n}]"), "[a|a]");
    assert.deepEqual(re("(?P<n>a)[]()](?P<m>b)?(?P<n>c)").names, ["", "n", "m", "n"]);
  });
});

describe("syntax Go rejects, with Go's message", () => {
  for (const [expr, message] of [
    ["a**", "invalid nested repetition operator: `**`"],
    ["a++", "invalid nested repetition operator: `++`"],
    ["(?=x)", "invalid or unsupported Perl syntax: `(?=`"],
    ["(?!x)", "invalid or unsupported Perl syntax: `(?!`"],
    ["(?<=x)", "invalid named capture: `(?<=x)`"],
    ["(?>a)", "invalid or unsupported Perl syntax: `(?>`"],
    ["(a)\\1", "invalid escape sequence: `\\1`"],
    ["(?P=n)", "invalid or unsupported Perl syntax: `(?P`"],
    ["\\k<n>", "invalid escape sequence: `\\k`"],
    ["(a", "missing closing ): `(a`"],
    ["a)", "unexpected ): `a)`"],
    ["[a", "missing closing ]: `[a`"],
    ["x{1001}", "invalid repeat count: `{1001}`"],
    ["((a{1000}){1000}){1000}", "invalid repeat count: `{1000}`"],
    ["\\", "trailing backslash at end of expression: ``"],
    ["\\p{Foo}", "invalid character class range: `\\p{Foo}`"],
    ["[z-a]", "invalid character class range: `z-a`"],
    ["\\Z", "invalid escape sequence: `\\Z`"],
    ["*", "missing argument to repetition operator: `*`"],
    ["(?P<n>a)(?P<n>b)(?P<n-x>c)", "invalid named capture: `(?P<n-x>`"],
    [
      `${"(".repeat(1001)}${")".repeat(1001)}`,
      `expression nests too deeply: \`${"(".repeat(1001)}${")".repeat(1001)}\``,
    ],
  ] as const) {
    it(expr.length > 30 ? `${expr.slice(0, 30)}...` : expr, () => {
      assert.throws(
        () => re(expr),
        (err: unknown) => {
          assert.ok(err instanceof RegexpError);
          assert.equal(err.message, `error parsing regexp: ${message}`);
          return true;
        },
      );
    });
  }
});

describe("compiled-expression cache", () => {
  it("shares the compiled form of an expression", () => {
    assert.equal(GoRegexp.of("^db-(.*)$"), GoRegexp.of("^db-(.*)$"));
  });

  it("counts the DFA states an expression caches, so hostile expressions cannot pile up megabytes", () => {
    let seed = 1;
    const letter = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed & 0x10000 ? "a" : "b";
    };
    const text = `${Array.from({ length: 50_000 }, letter).join("")}${"b".repeat(40)}`;
    const r = re("a[ab]{14}$");
    const before = r.heldBytes();
    assert.equal(r.matches(text), false);
    assert.ok(r.heldBytes() > before + 1_000_000, `held ${r.heldBytes()} bytes`);
  });

  it("evicts the least recently used entry past its entry bound", () => {
    const cache = new RegexpCache<string>(() => 0, 3);
    for (const k of ["a", "b", "c"]) cache.get(k, () => k);
    cache.get("a", () => "recompiled a");
    cache.get("d", () => "d");
    assert.equal(cache.size, 3);
    assert.equal(
      cache.get("a", () => "recompiled a"),
      "a",
    );
    assert.equal(
      cache.get("b", () => "recompiled b"),
      "recompiled b",
    );
  });

  it("evicts least recently used entries past its byte bound, whatever they grew to since insertion", () => {
    const held = new Map<string, number>([
      ["x", 10],
      ["y", 10],
      ["z", 10],
    ]);
    const cache = new RegexpCache<string>((v) => held.get(v) ?? 0, 100, 100);
    for (const k of ["x", "y", "z"]) cache.get(k, () => k);
    held.set("x", 60).set("y", 60);
    cache.get("w", () => "w");
    assert.ok(cache.bytes() <= 100);
    assert.equal(
      cache.get("x", () => "recompiled x"),
      "recompiled x",
    );
    assert.equal(
      cache.get("z", () => "recompiled z"),
      "z",
    );
  });
});
