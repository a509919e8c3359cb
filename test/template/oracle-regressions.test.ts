/**
 * Differences from Go that the Go oracle (test/cluster/oracle.test.ts: Go's text/template with ESO's function
 * map, ESO v0.16.2 + Sprig v3.3.0, built with Go 1.25+) found in our engine; expected values are Go's answers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderESO } from "../../src/template/index.js";

const data = { a: "Hello", num: "3" };

function go(text: string): string {
  try {
    return renderESO("t", text, data);
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

describe("template behaviour the Go oracle corrected", () => {
  it('lexes a "." that ends the input as a number, as Go does', () => {
    assert.equal(go("{{."), 'ERR template: t:1: illegal number syntax: "."');
  });

  it("reports range errors at the last node the pipeline evaluated", () => {
    assert.equal(
      go('{{ range $i, $v := len "a" }}{{end}}'),
      `ERR template: t:1:23: executing "t" at <"a">: can't use 1 to iterate over more than one variable`,
    );
    assert.equal(
      go('{{ range (trunc 2 (printf "%s" "")) }}{{ end }}'),
      `ERR template: t:1:31: executing "t" at <"">: range can't iterate over `,
    );
    assert.equal(
      go('{{ range $i, $v := upper "a" | len }}{{end}}'),
      `ERR template: t:1:31: executing "t" at <len>: can't use 1 to iterate over more than one variable`,
    );
  });

  it("treats ESO's data as map[string]string: field of a string, zero value from index, %T", () => {
    assert.equal(
      go("{{ .a.b }}"),
      `ERR template: t:1:5: executing "t" at <.a.b>: can't evaluate field b in type string`,
    );
    assert.equal(go('{{ index . "zz" | printf "%q" }} {{ printf "%T" . }}'), '"" map[string]string');
  });

  it("names both types in comparison errors (Go 1.25+)", () => {
    assert.equal(
      go('{{ eq "1" 1 }}'),
      `ERR template: t:1:3: executing "t" at <eq "1" 1>: error calling eq: incompatible types for comparison: string and int`,
    );
    assert.equal(
      go("{{ lt 1 1.5 }}"),
      `ERR template: t:1:3: executing "t" at <lt 1 1.5>: error calling lt: incompatible types for comparison: int and float64`,
    );
  });

  it("chunk with a size of 0 or below panics in makeslice as Sprig does", () => {
    for (const t of [
      "{{ chunk 0 (list 1 2) }}",
      "{{ chunk 0 (list) }}",
      "{{ chunk -2 (list) }}",
      "{{ chunk -1 (list 1) }}",
    ]) {
      assert.match(go(t), /error calling chunk: runtime error: makeslice: len out of range$/, t);
    }
    assert.equal(go("{{ chunk 2 (list 1 2 3) }} {{ chunk 3 (list) }}"), "[[1 2] [3]] []");
  });

  it("rest and initial of an empty list are still lists", () => {
    assert.equal(go("{{ rest (list) }} {{ initial (list) }} {{ concat (rest (list)) (list 1) }}"), "[] [] [1]");
  });

  it("dig's interface conversion panics name the dynamic type", () => {
    assert.match(
      go('{{ dig "a" "d" (fromJson "[1]") }}'),
      /error calling dig: interface conversion: interface \{\} is \[\]interface \{\}, not map\[string\]interface \{\}$/,
    );
    assert.match(
      go('{{ dig "a" "b" "d" (dict "a" "x") }}'),
      /error calling dig: interface conversion: interface \{\} is string, not map\[string\]interface \{\}$/,
    );
    assert.match(
      go('{{ dig 1 "d" (dict) }}'),
      /error calling dig: interface conversion: interface \{\} is int, not string$/,
    );
  });

  it("indent and nindent panic on a negative count (strings.Repeat)", () => {
    assert.match(go('{{ indent -3 "x" }}'), /error calling indent: strings: negative Repeat count$/);
    assert.match(go('{{ nindent -1 "x" }}'), /error calling nindent: strings: negative Repeat count$/);
  });

  it("counts lines once across whitespace a trim marker removes", () => {
    assert.equal(go("{{ 1 -}}\n{{ end }}"), "ERR template: t:2: unexpected {{end}}");
    assert.equal(go("{{/* c */ -}}\n\n{{ end }}"), "ERR template: t:3: unexpected {{end}}");
  });

  it("nospace mangles non-ASCII text as goutils.DeleteWhiteSpace does, unless nothing is removed", () => {
    assert.equal(go('{{ nospace "a bé日 c" }}|{{ "ಯⓎ𝙏サ" | nospace }}'), "abÃ©æ\u0097¥c|ಯⓎ𝙏サ");
  });

  it("upper and lower turn bytes that are not UTF-8 into U+FFFD (strings.Map)", () => {
    assert.equal(go('{{ upper (substr 1 100 "🙂") }}'), "\ufffd\ufffd\ufffd");
  });

  it('toYaml keeps the final break of "\\n" as go-yaml does ("|2+")', () => {
    assert.equal(go('{{ toYaml "\\n" }}|{{ toYaml "a\\n" }}'), "|2+\n||\n  a");
  });

  it("toYaml folds long flow scalars past column 80 as go-yaml does", () => {
    const long = "this is a rather long string value with many words in it that goes past eighty columns wide";
    assert.equal(
      go(`{{ toYaml (dict "k" "${long}") }}`),
      "k: this is a rather long string value with many words in it that goes past eighty\n  columns wide",
    );
    assert.equal(
      go(`{{ toYaml (list (dict "deep" (dict "er" "${long}: x"))) }}`),
      "- deep:\n    er: 'this is a rather long string value with many words in it that goes past eighty\n      columns wide: x'",
    );
  });

  it("formats floats with %x and %X as Go's hexadecimal floats", () => {
    assert.equal(
      go('{{ printf "%x|%X|%x|%.2x" 4.0 1.5 -0.1 1.999 }}'),
      "0x1p+02|0X1.8P+00|-0x1.999999999999ap-04|0x1.00p+01",
    );
  });

  it("a nil map argument reads as empty; set on it panics", () => {
    assert.equal(
      go('{{ get (fromJson "null") "a" }}{{ hasKey (fromJson "null") "a" }}{{ keys (fromJson "null") }}'),
      "false[]",
    );
    assert.match(go('{{ set (fromJson "null") "a" 1 }}'), /error calling set: assignment to entry in nil map$/);
  });

  it("prints a nil element of a slice or map as <nil> whatever the verb", () => {
    assert.equal(
      go('{{ printf "%5.2f" (fromJson "[true,null]") }}|{{ printf "%d" (list nil) }}'),
      "[%!f(bool= true) <nil>]|[<nil>]",
    );
  });

  it("toYaml double-quotes text beyond the BMP with \\U escapes, as go-yaml does", () => {
    assert.equal(
      go('{{ toYaml "x🙂 y" }}|{{ toYaml (dict "🙂" "x") }}|{{ toYaml "a\\n🙂\\n" }}|{{ toYaml "a\u00a0b\\t" }}'),
      '"x\\U0001F642 y"|"\\U0001F642": x|"a\\n\\U0001F642\\n"|"a\u00a0b\\t"',
    );
  });

  it("Sprig's nil slices (no regexFindAll match, rest/initial of an empty list) are null in JSON and YAML", () => {
    assert.equal(
      go(
        '{{ rest (list) | toJson }} {{ initial (list) | toYaml }} {{ regexFindAll "x" "abc" -1 | toJson }} {{ rest (list) }}',
      ),
      "null null null []",
    );
  });

  it('camelcase of connectors only repeats the last one, as xstrings does ("-" → "--")', () => {
    assert.equal(
      go('{{ camelcase " " | printf "%q" }}|{{ camelcase "-" }}|{{ camelcase "_-a" }}|{{ camelcase "ab_" }}'),
      '"  "|--|_-A|Ab_',
    );
  });

  it("len, index and slice count bytes that are not UTF-8 as one byte each", () => {
    assert.equal(go('{{ len (trunc 2 "🙂") }} {{ len (b64dec "0x1F") }} {{ index (trunc 2 "🙂") 1 }}'), "2 3 159");
  });

  it("concat of nothing is a nil slice too (list of nothing is not)", () => {
    assert.equal(go("{{ list | toJson }} {{ concat (list) (list) | toJson }} {{ concat }}"), "[] null []");
  });

  it("html, js and urlquery print a nil argument as <no value>", () => {
    assert.equal(go('{{ html (fromJson "null") }}'), "&lt;no value&gt;");
  });

  it("urlParse errors quote the URL without its fragment, as url.Parse does", () => {
    assert.match(go('{{ urlParse ":a#b" }}'), /parse ":a": missing protocol scheme$/);
  });

  it("snakecase and kebabcase use xstrings' CJK ranges and keep bytes that are not UTF-8 with the next rune", () => {
    assert.equal(
      go('{{ b64dec "QUL/Qg==" | snakecase | b64enc }}|{{ b64dec "QUL/YmM=" | kebabcase | b64enc }}'),
      "YWLvv71i|YS1i77+9YmM=",
    );
    assert.equal(go('{{ "a\u9fd0b" | kebabcase }}|{{ "a\u4dbab" | kebabcase }}'), "a\u9fd0b|a\u4dbab");
  });

  it('fromYaml reads ".", "-." and "._1" as strings, as go-yaml v2 does', () => {
    assert.equal(
      go(
        '{{ fromYaml "a: ." }} {{ fromYaml "a: -." }} {{ fromYaml "a: ._1" }} {{ fromYaml "a: 1_0.5" }} {{ fromYaml "a: .5" }}',
      ),
      "map[a:.] map[a:-.] map[a:._1] map[a:10.5] map[a:0.5]",
    );
  });

  it("quotes bytes that are not UTF-8 as \\xNN (quote, %q, urlParse's escape errors)", () => {
    assert.equal(go('{{ substr 1 9 "ꙓ" | quote }}|{{ printf "%q" (substr 1 9 "ꙓ") }}'), '"\\x99\\x93"|"\\x99\\x93"');
    assert.match(go('{{ urlParse "a%🙂" }}'), /invalid URL escape "%\\xf0\\x9f"$/);
  });

  it("toYaml quotes what strconv.ParseInt reads as a number (0X1F, 0o17)", () => {
    assert.equal(go('{{ toYaml "0X1F" }}|{{ toYaml "0o17" }}|{{ toYaml "0x" }}'), '"0X1F"|"0o17"|0x');
  });

  it("toYaml double-quotes a multi-line string with a trailing space or a space before a break", () => {
    assert.equal(go('{{ toYaml "a \\nb" }}|{{ toYaml "a\\nb " }}|{{ toYaml "\\n   " }}'), '"a \\nb"|"a\\nb "|"\\n   "');
  });

  it("title, untitle and swapcase turn bytes that are not UTF-8 into U+FFFD", () => {
    const fffd2 = "\ufffd\ufffd";
    assert.equal(
      go('{{ trunc 2 "婦" | title }}|{{ trunc 2 "婦" | untitle }}|{{ trunc 2 "婦" | swapcase }}'),
      `${fffd2}|${fffd2}|${fffd2}`,
    );
  });

  it("urlquery escapes bytes that are not UTF-8 as themselves", () => {
    assert.equal(go("{{ toString 2e3 | b64dec | urlquery }}"), "%DBM4");
  });
});
