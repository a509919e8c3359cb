import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Case, call, type ErrCase, errors, table } from "./funcs-helpers.js";

describe("sprig string functions", () => {
  table([
    ["hello", [], "Hello!"],
    ["abbrev", [5n, "hello world"], "he..."],
    ["abbrev", [3n, "hello world"], "hello world"],
    ["abbrev", [20n, "hello"], "hello"],
    ["abbrevboth", [5n, 10n, "1234 5678 9123"], "...5678..."],
    ["abbrevboth", [0n, 3n, "abcdef"], "abcdef"],
    ["trunc", [5n, "hello world"], "hello"],
    ["trunc", [-5n, "hello world"], "world"],
    ["trunc", [-20n, "hello"], "hello"],
    ["trunc", [20n, "hello"], "hello"],
    ["trim", ["  hello \n\t"], "hello"],
    ["upper", ["hello ß"], "HELLO ß"],
    ["lower", ["HELLO"], "hello"],
    ["title", ["hello world-foo bar_baz"], "Hello World-Foo Bar_baz"],
    ["untitle", ["Hello World"], "hello world"],
    ["substr", [0n, 5n, "hello world"], "hello"],
    ["substr", [-1n, 2n, "hello"], "he"],
    ["substr", [2n, -1n, "hello"], "llo"],
    ["substr", [2n, 99n, "hello"], "llo"],
    ["repeat", [3n, "ab"], "ababab"],
    ["trimall", ["$", "$5.00$"], "5.00"],
    ["trimAll", ["ab", "abxba"], "x"],
    ["trimSuffix", ["-", "hello-"], "hello"],
    ["trimPrefix", ["-", "-hello"], "hello"],
    ["nospace", ["hello w o r l d"], "helloworld"],
    ["initials", ["First Try"], "FT"],
    ["swapcase", ["This Is A.Test"], "tHIS iS a.tEST"],
    ["snakecase", ["FirstName"], "first_name"],
    ["snakecase", ["HTTPServer"], "http_server"],
    ["snakecase", ["NoHTTPS"], "no_https"],
    ["snakecase", ["GO PATH"], "go_path"],
    ["snakecase", ["HTTP20xOK"], "http_20x_ok"],
    ["kebabcase", ["FirstName"], "first-name"],
    ["kebabcase", ["Bld4Floor3rd"], "bld4-floor-3rd"],
    ["camelcase", ["http_server"], "HttpServer"],
    ["camelcase", ["_complex__case_"], "_Complex_Case_"],
    ["camelcase", ["GOLANG_IS_GREAT"], "GolangIsGreat"],
    ["wrap", [5n, "Hello World"], "Hello\nWorld"],
    ["wrap", [3n, "abcdefgh ij"], "abcdefgh\nij"],
    ["wrapWith", [5n, "\t", "Hello World"], "Hello\tWorld"],
    ["wrapWith", [3n, "\n", "abcdefgh"], "abc\ndef\ngh"],
    ["contains", ["cat", "catch"], true],
    ["hasPrefix", ["cat", "catch"], true],
    ["hasSuffix", ["cat", "catch"], false],
    ["quote", ['a"b', null, 1n, "é\n"], '"a\\"b" "1" "é\\n"'],
    ["squote", ["a", 2n], "'a' '2'"],
    ["cat", ["hello", null, "beautiful", 1n, [1n, 2n]], "hello beautiful 1 [1 2]"],
    ["indent", [4n, "a\nb"], "    a\n    b"],
    ["nindent", [2n, "a"], "\n  a"],
    ["replace", [" ", "-", "I Am Henry"], "I-Am-Henry"],
    ["replace", ["", "-", "ab"], "-a-b-"],
    ["plural", ["one anchovy", "many anchovies", 1n], "one anchovy"],
    ["plural", ["one anchovy", "many anchovies", 2n], "many anchovies"],
    ["toString", [1.5], "1.5"],
    ["toString", [new Uint8Array([104, 105])], "hi"],
    ["toString", [null], "<nil>"],
    ["atoi", ["42"], 42n],
    ["atoi", ["4x"], 0n],
    ["split", ["$", "foo$bar$baz"], { _0: "foo", _1: "bar", _2: "baz" }],
    ["splitn", ["$", 2n, "foo$bar$baz"], { _0: "foo", _1: "bar$baz" }],
    ["splitList", ["$", "foo$bar"], ["foo", "bar"]],
    ["splitList", ["", "ab"], ["a", "b"]],
    ["toStrings", [[1n, 2n, null, "x"]], ["1", "2", "x"]],
    ["join", ["-", [1n, "b", null]], "1-b"],
    ["join", [",", "single"], "single"],
    ["sortAlpha", [["b", "a", "C"]], ["C", "a", "b"]],
    ["randAlphaNum", [0n], ""],
    ["randNumeric", [-1n], ""],
  ] satisfies Case[]);

  errors([
    ["substr", [3n, 10n, "hi"], "runtime error: slice bounds out of range [3:2]"],
    ["trunc", ["5", "hello"], "wrong type for value; expected int; got string"],
    ["upper", [1n], "wrong type for value; expected string; got int"],
    ["repeat", [-1n, "x"], "strings: negative Repeat count"],
  ] satisfies ErrCase[]);
});

describe("random string functions", () => {
  it("produce the requested length and alphabet", () => {
    assert.match(call("randAlphaNum", 32n) as string, /^[A-Za-z0-9]{32}$/);
    assert.match(call("randAlpha", 16n) as string, /^[A-Za-z]{16}$/);
    assert.match(call("randNumeric", 8n) as string, /^[0-9]{8}$/);
    assert.match(call("randAscii", 50n) as string, /^[ -~]{50}$/);
    const s = call("shuffle", "abcdef") as string;
    assert.equal([...s].sort().join(""), "abcdef");
  });
});
