/**
 * More differences from Go that the Go oracle (test/cluster/oracle.test.ts) found: byte escapes in string
 * literals, strings that are not UTF-8, Go's Unicode tables, deep and cyclic data, and the functions the
 * generators reached once they covered the whole function map. Expected values are the oracle's answers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { goStringToBytes } from "../../src/template/funcs/index.js";
import { UNICODE_VERSION } from "../../src/template/funcs/unicode-tables.js";
import { renderESO } from "../../src/template/index.js";

function go(text: string, data: Record<string, string> = {}): string {
  try {
    return renderESO("t", text, data);
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

/** The output's bytes as hex (Go's output need not be UTF-8). */
function hex(text: string, data: Record<string, string> = {}): string {
  return goStringToBytes(go(text, data)).toString("hex");
}

describe("Go string literals with byte escapes", () => {
  it("reads \\x and octal escapes as bytes, joining into UTF-8 or staying invalid", () => {
    assert.equal(hex('{{ "\\xef\\xbb\\xbf" }}'), "efbbbf");
    assert.equal(go('{{ len "\\xff" }}'), "1");
    assert.equal(go('{{ "\\303\\251" }}'), "é");
    assert.equal(go('{{ "\\xc3" | b64enc }}'), "ww==");
    assert.equal(go('{{ printf "%q" "\\xffa\\u00e9" }}'), '"\\xffaé"');
    assert.equal(go("{{ '\\xff' }}|{{ '\\377' }}"), "255|255");
  });
});

describe("strings that are not UTF-8", () => {
  it("prints their bytes with %x and %X", () => {
    assert.equal(go('{{ printf "%x|%X|% x" "\\x8e" "\\x8ea" "\\x8e" }}'), "8e|8E61|8e");
  });

  it("splits, replaces and tests substrings byte by byte", () => {
    assert.equal(go('{{ splitList "\\303" "\\xc3\\xa9\\xb8" | toJson }}'), '["","\\ufffd\\ufffd"]');
    assert.equal(go('{{ replace "\\xa9" "X" "é\\xa9" | toJson }}'), '"\\ufffdXX"');
    assert.equal(
      go('{{ contains "\\xa9" "é" }}|{{ hasPrefix "\\xc3" "é" }}|{{ hasSuffix "\\xa9" "é" }}'),
      "true|true|true",
    );
    assert.equal(go('{{ trimPrefix "\\xc3" "éa" | toJson }}'), '"\\ufffda"');
    assert.equal(go('{{ split "\\xa9" "aéb" | toJson }}'), '{"_0":"a\\ufffd","_1":"b"}');
  });

  it("trims every invalid byte when the cutset holds one (utf8.RuneError)", () => {
    assert.equal(go('{{ trimAll "\\xe6\\x97\\xa5\\x99" "\\227" | b64enc }}'), "");
    assert.equal(go('{{ trimAll "\\ufffd" "\\227a\\xff" }}'), "a");
  });

  it("camelcase writes U+FFFD for an invalid byte", () => {
    assert.equal(go('{{ camelcase "\\xde\\022\\124" | b64enc }}'), "77+9ElQ=");
  });

  it("rejects a regexp that is not UTF-8 before parsing it", () => {
    assert.equal(
      hex('{{ mustRegexFindAll ("\\356x" | print) "x" 1 }}'),
      Buffer.from(
        'ERR template: t:1:3: executing "t" at <mustRegexFindAll ("\\356x" | print) "x" 1>: error calling mustRegexFindAll: error parsing regexp: invalid UTF-8: `',
      ).toString("hex") +
        "ee78" +
        Buffer.from("`").toString("hex"),
    );
    assert.equal(go('{{ regexMatch "\\xff" "x" }}'), "false");
    assert.equal(go('{{ mustRegexMatch "𐃭🔶" "x" }}'), "false", "a surrogate pair is not an invalid byte");
  });

  it("quotes bytes outside printable ASCII as \\xNN in time errors, and names a byte in JSON errors", () => {
    assert.equal(
      go('{{ mustToDate "15:04" "é\\n" }}'),
      'ERR template: t:1:3: executing "t" at <mustToDate "15:04" "é\\n">: error calling mustToDate: parsing time "\\xc3\\xa9\\x0a" as "15:04": cannot parse "\\xc3\\xa9\\x0a" as "15"',
    );
    assert.match(go('{{ mustDateModify "é" now }}'), /time: invalid duration "\\xc3\\xa9"$/);
    assert.match(go('{{ mustFromJson "[1,é]" }}'), /invalid character 'Ã' looking for beginning of value$/);
  });
});

describe("Go's Unicode tables", () => {
  it("ships Unicode 15.0.0, the version of Go's unicode package", () => {
    assert.equal(UNICODE_VERSION, "15.0.0");
  });

  it("leaves letters added after Unicode 15 alone in every case mapping, as Go does", () => {
    // U+1C89/U+1C8A (Cyrillic TJE) and U+10D50/U+10D70 (Garay) are Unicode 16 case pairs
    assert.equal(go('{{ upper "\\u1c8a\\U00010d70ab" }}'), "\u1c8a\u{10d70}AB");
    assert.equal(go('{{ lower "\\u1c89\\U00010d50AB" }}'), "\u1c89\u{10d50}ab");
    assert.equal(go('{{ swapcase "\\u1c89\\u1c8a x\\U00010d50" }}'), "\u1c89\u1c8a X\u{10d50}");
    assert.equal(go('{{ title "\\u1c8a\\u1c8a" }}|{{ camelcase "\\u1c8a_\\u1c8a" }}'), "\u1c8a\u1c8a|\u1c8a\u1c8a");
    assert.equal(go('{{ snakecase "a\\u1c89b" }}'), "a_\u1c89_b");
  });

  it("quotes such letters as unprintable and rejects them in identifiers", () => {
    assert.equal(go('{{ quote "\\u1c89\\U00010d50" }}'), '"\\u1c89\\U00010d50"');
    assert.equal(go('{{ printf "%#U" 0x1c89 }}'), "U+1C89");
    assert.equal(go("{{ $\u1c89 := 1 }}"), "ERR template: t:1: bad character U+1C89");
    assert.equal(go("{{ $\u{10d50} := 1 }}"), "ERR template: t:1: bad character U+10D50");
    assert.equal(go("{{ $a\u{1d4f1}b := 1 }}{{ $a\u{1d4f1}b }}"), "1", "a letter beyond the BMP inside a name");
  });

  it("maps title-case digraphs and special casings as Go's one-to-one tables do", () => {
    assert.equal(go('{{ swapcase "ǅǆǄ ǅx ß ŉ İı ſ" }}'), "ǆǄǆ ǆX ß ŉ iI S");
    assert.equal(go('{{ upper "ǅǆǄßŉİıſ" }}'), "ǄǄǄßŉİIS");
  });
});

describe("numbers from strings", () => {
  it("atoi clamps out-of-range values as strconv.Atoi does", () => {
    assert.equal(go('{{ atoi "-391088007683535140000" }}'), "-9223372036854775808");
    assert.equal(go('{{ atoi "99999999999999999999" }}'), "9223372036854775807");
    assert.equal(
      go('{{ with (regexSplit "," "a,b" (atoi "-391088007683535140000")) }}{{ .json }}{{ end }}'),
      'ERR template: t:1:68: executing "t" at <.json>: can\'t evaluate field json in type []string',
    );
  });

  it("float64 reads underscores and treats an out-of-range literal as an error (0)", () => {
    assert.equal(
      go('{{ float64 "1e400" }}|{{ float64 "inf" }}|{{ float64 "1_000.5" }}|{{ float64 "1__0" }}'),
      "0|+Inf|1000.5|0",
    );
  });
});

describe("deep and cyclic data", () => {
  const deepYaml = `${"{a: ".repeat(9990)}1${"}".repeat(9990)}`;

  it("decodes JSON nested up to Go's limit of 10,000 and reports Go's error beyond", () => {
    assert.equal(go("{{ fromJson .j | toJson | len }}", { j: `${"[".repeat(5000)}${"]".repeat(5000)}` }), "10000");
    assert.equal(
      go("{{ mustFromJson .j }}", { j: `${"[".repeat(10001)}${"]".repeat(10001)}` }),
      "ERR template: t:1:3: executing \"t\" at <mustFromJson .j>: error calling mustFromJson: invalid character '[' exceeded max depth",
    );
  });

  it("encodes, prints and copies a 9,990-level fromYaml result without running out of stack", () => {
    const d = { y: deepYaml };
    assert.equal(go("{{ fromYaml .y | toJson | len }}", d), "59941");
    assert.equal(go("{{ fromYaml .y | print | len }}", d), "69931");
    assert.equal(go("{{ fromYaml .y | toString | len }}", d), "69931");
    assert.equal(go('{{ fromYaml .y | printf "%#v" | len }}', d), "289711");
    assert.equal(go("{{ fromYaml .y | deepCopy | len }}", d), "1");
  });

  it("reports a dict that holds itself as Go's cycle error (toRawJson encodes &v: one level more)", () => {
    const cycle = '{{ $d := dict }}{{ $_ := set $d "x" (list $d) }}';
    assert.equal(go(`${cycle}{{ toJson $d }}`), "");
    assert.equal(
      go(`${cycle}{{ mustToJson $d }}`),
      'ERR template: t:1:51: executing "t" at <mustToJson $d>: error calling mustToJson: json: unsupported value: encountered a cycle via map[string]interface {}',
    );
    assert.equal(
      go(`${cycle}{{ toRawJson $d }}`),
      'ERR template: t:1:51: executing "t" at <toRawJson $d>: error calling toRawJson: json: unsupported value: encountered a cycle via []interface {}',
    );
  });
});

describe("functions the widened generators reached", () => {
  it("%#v spells Go syntax for lists and maps", () => {
    assert.equal(
      go('{{ printf "%#v" (list 1 "a" (list) nil 1.5 (dict "k" (splitList "," "x"))) }}'),
      '[]interface {}{1, "a", []interface {}{}, interface {}(nil), 1.5, map[string]interface {}{"k":[]string{"x"}}}',
    );
  });

  it("deepCopy of nil panics as copystructure does; a nil list stays nil", () => {
    assert.equal(
      go("{{ deepCopy nil }}"),
      'ERR template: t:1:3: executing "t" at <deepCopy nil>: error calling deepCopy: reflect: call of reflect.Value.Type on zero Value',
    );
    assert.equal(go('{{ deepCopy (regexSplit "," "a" 0) | toJson }}'), "null");
  });

  it("decryptAES names the decode buffer's capacity in its panic", () => {
    assert.equal(
      go('{{ decryptAES "k" "bm90IGNpcGhlcnRleHQ=" }}'),
      'ERR template: t:1:3: executing "t" at <decryptAES "k" "bm90IGNpcGhlcnRleHQ=">: error calling decryptAES: runtime error: slice bounds out of range [:16] with capacity 15',
    );
  });

  it("a parsed numeric zone prints its offset as its name; a layout without a year gives year 0", () => {
    assert.equal(
      go('{{ mustDateModify "-90s" (toDate "2006-01-02T15:04:05Z07:00" "1999-12-31T23:59:59+05:30") }}'),
      "1999-12-31 23:58:29 +0530 +0530",
    );
    assert.equal(go('{{ toDate "15:04" "10:00" }}'), "0000-01-01 10:00:00 +0000 UTC");
  });

  it("jwk functions report jwx's key-hint and member errors", () => {
    const e = (fn: string, arg: string) =>
      go(`{{ ${fn} ${JSON.stringify(arg)} }}`).replace(/^ERR .*error calling \w+: /, "");
    assert.equal(e("jwkPrivateKeyPem", "{}"), "invalid key type from JSON ()");
    assert.equal(e("jwkPrivateKeyPem", '{"kty":"foo"}'), "invalid key type from JSON (foo)");
    assert.equal(
      e("jwkPublicKeyPem", '{"kty":1}'),
      "failed to unmarshal JSON into key hint: json: cannot unmarshal number into Go struct field .kty of type string",
    );
    assert.equal(
      e("jwkPublicKeyPem", "[]"),
      'failed to unmarshal JSON into key hint: json: cannot unmarshal array into Go value of type struct { Kty string "json:\\"kty\\""; D json.RawMessage "json:\\"d\\"" }',
    );
    assert.equal(
      e("jwkPublicKeyPem", '{"kty":"EC","x":"a{{b","y":"AQ","crv":"P-256"}'),
      "failed to unmarshal JSON into key (*jwk.ecdsaPublicKey): failed to decode value for key x: expected base64 encoded []byte (string)",
    );
  });
});
