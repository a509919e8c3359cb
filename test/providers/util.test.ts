import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { NoSecretError } from "../../src/providers/errors.js";
import { matchTags, newFindMatcher } from "../../src/providers/util/find.js";
import { escapeGjsonKey } from "../../src/providers/util/gjson-path.js";
import { compileGoRegexp, GoRegexpError } from "../../src/providers/util/go-regexp.js";
import { getJsonProperty, selectProperty } from "../../src/providers/util/json-property.js";
import { formatFloatF } from "../../src/providers/util/json-value.js";
import { jsonToSecretMap, SecretMapError } from "../../src/providers/util/secret-map.js";

const doc = JSON.stringify({
  name: { first: "Tom", last: "Anderson" },
  age: 37,
  price: 1.5,
  big: 1e21,
  children: ["Sara", "Alex", "Jack"],
  "fav.movie": "Deer Hunter",
  friends: [
    { first: "Dale", last: "Murphy", age: 44, nets: ["ig", "fb", "tw"] },
    { first: "Roger", last: "Craig", age: 68, nets: ["fb", "tw"] },
    { first: "Jane", last: "Murphy", age: 47, nets: ["ig", "tw"] },
  ],
  flag: true,
  nothing: null,
});

describe("gjson property selection", () => {
  const cases: [string, string | undefined][] = [
    ["name.last", "Anderson"],
    ["age", "37"],
    ["price", "1.5"],
    ["big", "1000000000000000000000"],
    ["children", '["Sara","Alex","Jack"]'],
    ["children.#", "3"],
    ["children.1", "Alex"],
    ["child*.2", "Jack"],
    ["c?ildren.0", "Sara"],
    ["fav\\.movie", "Deer Hunter"],
    ["friends.#.first", '["Dale","Roger","Jane"]'],
    ["friends.1.last", "Craig"],
    ['friends.#(last=="Murphy").first', "Dale"],
    ['friends.#(last=="Murphy")#.first', '["Dale","Jane"]'],
    ["friends.#(age>45)#.last", '["Craig","Murphy"]'],
    ['friends.#(first%"D*").last', "Murphy"],
    ['friends.#(first!%"D*").last', "Craig"],
    ['friends.#(nets.#(=="fb"))#.first', '["Dale","Roger"]'],
    ["friends.#.nets.#", "[3,2,2]"],
    ["name|first", "Tom"],
    ["children|@reverse|0", "Jack"],
    ["name.@keys", '["first","last"]'],
    ["flag", "true"],
    ["nothing", ""],
    ["name.middle", undefined],
    ["children.9", undefined],
    ["fav.movie", undefined],
  ];
  for (const [path, want] of cases) {
    it(`${path} -> ${want ?? "(missing)"}`, () => {
      assert.equal(getJsonProperty(doc, path), want);
    });
  }

  it("keeps the raw text of objects, whitespace included", () => {
    const text = '{"a": {"b" : [1, 2]}, "n": 1.50, "e": 1e3}';
    assert.equal(getJsonProperty(text, "a"), '{"b" : [1, 2]}');
    assert.equal(getJsonProperty(text, "n"), "1.5");
    assert.equal(getJsonProperty(text, "e"), "1000");
  });

  it("unescapes JSON strings", () => {
    assert.equal(getJsonProperty('{"a":"line\\nnext \\u00e9"}', "a"), "line\nnext é");
  });

  it("finds a dotted literal key first when asked", () => {
    const text = '{"a.b":"literal","a":{"b":"nested"}}';
    assert.equal(getJsonProperty(text, "a.b"), "nested");
    assert.equal(getJsonProperty(text, "a.b", { literalKeyFirst: true }), "literal");
    assert.equal(getJsonProperty('{"a":{"b":"nested"}}', "a.b", { literalKeyFirst: true }), "nested");
  });

  it("escapeGjsonKey makes any key a literal path", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (key, value) => {
        assert.equal(getJsonProperty(JSON.stringify({ [key]: value }), escapeGjsonKey(key)), value);
      }),
    );
  });

  it("returns nothing for non-JSON input", () => {
    assert.equal(getJsonProperty("plain text", "a"), undefined);
    assert.equal(getJsonProperty('"a string"', "a"), undefined);
  });

  it("selectProperty passes the value through without a property", () => {
    const value = Buffer.from([0xff, 0x00, 0x01]);
    assert.equal(selectProperty(value, undefined, "k"), value);
    assert.equal(selectProperty(value, "", "k"), value);
  });

  it("selectProperty throws NoSecretError naming key and property, never the value", () => {
    const value = Buffer.from('{"password":"hunter2"}');
    assert.equal(selectProperty(value, "password", "db").toString(), "hunter2");
    assert.throws(
      () => selectProperty(value, "user", "db"),
      (err: Error) =>
        err instanceof NoSecretError &&
        err.message.includes('"db"') &&
        err.message.includes('"user"') &&
        !err.message.includes("hunter2"),
    );
  });
});

describe("formatFloatF", () => {
  it("matches Go's 'f' format with shortest precision", () => {
    assert.equal(formatFloatF(1.5), "1.5");
    assert.equal(formatFloatF(1e21), "1000000000000000000000");
    assert.equal(formatFloatF(1.25e-7), "0.000000125");
    assert.equal(formatFloatF(-2.5), "-2.5");
    assert.equal(formatFloatF(100), "100");
  });
});

describe("jsonToSecretMap", () => {
  it("keeps strings raw and everything else as JSON text", () => {
    const m = jsonToSecretMap(Buffer.from('{"s":"v","n":1.50,"o":{"x": 1},"a":[1,2],"b":false,"z":null}'));
    const asText = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
    assert.deepEqual(asText, { s: "v", n: "1.50", o: '{"x": 1}', a: "[1,2]", b: "false", z: "" });
  });

  it("rejects values that are not JSON objects without echoing them", () => {
    for (const text of ["[1]", "hunter2", '"str"']) {
      assert.throws(
        () => jsonToSecretMap(Buffer.from(text), "db"),
        (err: Error) => err instanceof SecretMapError && err.message.includes('"db"') && !err.message.includes(text),
      );
    }
  });
});

describe("find matching", () => {
  it("matches names anywhere like regexp.MatchString", () => {
    const m = newFindMatcher({ name: { regexp: "db-.*" } });
    assert.equal(m.matchName("app/db-password"), true);
    assert.equal(m.matchName("app/cache"), false);
    assert.equal(newFindMatcher({ name: { regexp: "^db$" } }).matchName("db2"), false);
  });

  it("supports Go flags, \\A \\z and POSIX classes, rejects lookaround", () => {
    assert.equal(compileGoRegexp("(?i)^DB").matches("db-x"), true);
    assert.equal(compileGoRegexp("\\Aab\\z").matches("ab"), true);
    assert.equal(compileGoRegexp("\\Aab\\z").matches("ab\n"), false);
    assert.equal(compileGoRegexp("^[[:digit:]]+$").matches("123"), true);
    assert.equal(compileGoRegexp("(?P<x>a)").findAll("a", 1)[0]?.groups?.x, "a");
    assert.equal(compileGoRegexp("^app-(?i:db)$").matches("app-DB"), true);
    assert.equal(compileGoRegexp("^app-(?i:db)$").matches("APP-db"), false);
    assert.throws(() => compileGoRegexp("a(?=b)"), {
      name: "GoRegexpError",
      message: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
    });
    assert.throws(() => compileGoRegexp("(a)\\1"), GoRegexpError);
  });

  it("tags must all match; path is a prefix", () => {
    assert.equal(matchTags({ env: "prod" }, { env: "prod", team: "a" }), true);
    assert.equal(matchTags({ env: "prod" }, { env: "dev" }), false);
    assert.equal(matchTags(undefined, undefined), true);
    const m = newFindMatcher({ path: "app/", tags: { env: "prod" } });
    assert.equal(m.matches("app/x", { env: "prod" }), true);
    assert.equal(m.matches("other/x", { env: "prod" }), false);
    assert.equal(m.matches("app/x", {}), false);
  });
});
