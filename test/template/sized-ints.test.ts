/**
 * Integers of Go types other than int (go-ints.ts): Sprig's arithmetic returns int64, indexing a string gives
 * uint8, semver's parts are uint64. Expected texts are the Go oracle's answers (test/cluster/oracle.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GoInt, goInt64, renderESO } from "../../src/template/index.js";

const data = { a: "Hello", num: "3" };

function same(text: string, go: string): void {
  let ours: string;
  try {
    ours = renderESO("t", text, data);
  } catch (e) {
    ours = `ERR ${(e as Error).message}`;
  }
  assert.equal(ours, go, text);
}

describe("sized integers", () => {
  it("wrap into their type's range", () => {
    assert.equal(goInt64((1n << 63n) + 5n).n, -(1n << 63n) + 5n);
    assert.equal(new GoInt(-1n, "uint8").n, 255n);
    assert.equal(new GoInt(1n << 32n, "uint32").n, 0n);
    assert.equal(new GoInt(200n, "int8").n, -56n);
  });

  it("Sprig's arithmetic is int64, literals and len are int", () => {
    same(
      '{{ printf "%T %T %T %T %T %T" (add 1 2) (len "a") (int "3") (int64 "3") (atoi "3") 3 }}',
      "int64 int int int64 int int",
    );
    same(
      '{{ typeOf (mul 2 3) }} {{ kindOf (max 1 2) }} {{ typeOf (toDecimal "7") }} {{ typeOf (until 2) }}',
      "int64 int64 int64 []int",
    );
    same('{{ typeIs "int64" (sub 3 1) }} {{ kindIs "int" (sub 3 1) }}', "true false");
    same('{{ add1 (int64 "9223372036854775807") }}', "-9223372036854775808");
    // a float64 out of int64's range converts to math.MinInt64, as on amd64
    same(
      "{{ int64 1e19 }} {{ int 1e300 }} {{ add 1e19 0 }} {{ int -3.9 }}",
      "-9223372036854775808 -9223372036854775808 -9223372036854775808 -3",
    );
    same("{{ (add 1 2).x }}", 'ERR template: t:1:10: executing "t" at <2>: can\'t evaluate field x in type int64');
  });

  it("int64 compares, indexes, ranges and prints as an integer", () => {
    same('{{ eq (add 1 2) 3 }} {{ lt (sub 1 2) 0 }} {{ ge (len "ab") (add 1 1) }}', "true true true");
    same(
      "{{ eq (add 1 2) 3.0 }}",
      'ERR template: t:1:3: executing "t" at <eq (add 1 2) 3.0>: error calling eq: incompatible types for comparison: int64 and float64',
    );
    same(
      "{{ lt (add 1 1) 2.5 }}",
      'ERR template: t:1:3: executing "t" at <lt (add 1 1) 2.5>: error calling lt: incompatible types for comparison: int64 and float64',
    );
    same('{{ index (list "a" "b") (add 0 1) }}', "b");
    same('{{ range $i := add 1 2 }}{{ printf "%T%v " $i $i }}{{ end }}', "int640 int641 int642 ");
    same(
      '{{ printf "%d|%5d|%x|%c|%q|%v|%s" (add 1 2) (add 1 2) (add 10 5) (add 64 1) (add 64 1) (add 1 2) (add 1 2) }}',
      "3|    3|f|A|'A'|3|%!s(int64=3)",
    );
    same(
      '{{ printf "%t" (add 1 2) }}|{{ printf "%s" (list (int64 0)) }}|{{ printf "%*d|" (add 1 3) 5 }}',
      "%!t(int64=3)|[%!s(int64=0)]|   5|",
    );
    same(
      "{{ empty (sub 1 1) }} {{ if sub 1 1 }}y{{ else }}n{{ end }} {{ mul 2 3 }} {{ list (add 1 2) 4 }}",
      "true n 6 [3 4]",
    );
    same('{{ add 1 2 | toJson }} {{ list (add 1 2) 4 | toJson }} {{ dict "n" (mul 2 2) | toYaml }}', '3 [3,4] "n": 4');
    same('{{ toString (add 1 2) | printf "%T" }} {{ quote (add 1 2) }} {{ cat (add 1 2) }}', 'string "3" 3');
  });

  it("int64 and int are different types to reflect.DeepEqual", () => {
    same(
      "{{ has 3 (list (add 1 2)) }} {{ has (add 1 2) (list (add 1 2)) }} {{ deepEqual (add 1 2) 3 }}",
      "false true false",
    );
    same("{{ list 3 (add 1 2) 3 | uniq }} {{ without (list 3 (add 1 2)) 3 }}", "[3 3] [3]");
  });

  it("Sprig's date functions switch on the integer's type", () => {
    same('{{ date "2006" (add 0 100000000) }}', "1973");
    same("{{ duration 3600 }}|{{ duration (int64 3600) }}", "0s|1h0m0s");
    same('{{ durationRound (int64 "3600000000000") }}|{{ durationRound 3600000000000 }}', "60m|0s");
    same('{{ durationRound ((toDate "2006" "2007").Sub (toDate "2006" "2006")) }}', "0s");
    same(
      '{{ int64 ((toDate "2006" "2007").Sub (toDate "2006" "2006")) }} {{ float64 ((toDate "2006" "2007").Sub (toDate "2006" "2006")) }}',
      "0 0",
    );
  });

  it("other sized integers: uint8 bytes, uint64 semver parts, int64 times", () => {
    same('{{ printf "%T %v %#v" (index "abc" 1) (index "abc" 1) (index "abc" 1) }}', "uint8 98 0x62");
    same('{{ eq (index "abc" 0) 97 }}', "true");
    same('{{ printf "%T" (semver "1.2.3").Major }} {{ (semver "1.2.3").Minor | add1 }}', "uint64 3");
    same(
      '{{ printf "%T %T %T %T" now.Unix now.Year (now.Sub now).Nanoseconds (now.Sub now).Hours }}',
      "int64 int int64 float64",
    );
  });
});
