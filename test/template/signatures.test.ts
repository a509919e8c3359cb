/**
 * Go function signatures: Go's text/template checks a call's argument count and converts every argument to its
 * parameter's type by reflection before calling (exec.go evalCall, evalArg, validateType). Expected texts are
 * the Go oracle's answers (test/cluster/oracle.test.ts: Go's text/template with ESO v0.16.2's function map).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { certKeyBits } from "../../src/template/funcs/certs.js";
import { defaultFuncs } from "../../src/template/funcs/index.js";
import {
  type FuncMap,
  funcSignature,
  goFunc,
  goTypeName,
  parseSignature,
  render,
  renderESO,
} from "../../src/template/index.js";
import { repoPath } from "../api/repo.js";
import { dataArb, templateArb } from "../cluster/oracle/template-arbitraries.js";

certKeyBits.rsa = 1024;

const data = { a: "Hello", num: "3", json: '{"x":null,"l":[1,null,"s"],"m":{"k":"v"}}' };

function same(text: string, go: string): void {
  let ours: string;
  try {
    ours = renderESO("t", text, data);
  } catch (e) {
    ours = `ERR ${(e as Error).message}`;
  }
  assert.equal(ours, go, text);
}

describe("function signatures", () => {
  it("declares Go's signature for every function of ESO v0.16.2's function map", () => {
    const fixture = repoPath("test", "template", "fixtures", "eso-v0.16.2-func-signatures.txt");
    const go = new Map(
      readFileSync(fixture, "utf8")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => l.split("\t") as [string, string]),
    );
    assert.equal(go.size, 223);
    const ours = defaultFuncs();
    const declared = (name: string) => funcSignature(ours[name]!)?.text;
    // getHostByName resolves hosts from a template: left out on purpose
    for (const [name, sig] of go) if (name !== "getHostByName") assert.equal(declared(name), sig, name);
    assert.equal(ours.getHostByName, undefined);
    // functions of later ESO releases, declared as those releases do
    const later = Object.keys(ours).filter((n) => !go.has(n));
    assert.deepEqual(later.sort(), [
      "certSANs",
      "hexdec",
      "pemTruststoreToPKCS12",
      "pemTruststoreToPKCS12Pass",
      "rsaDecrypt",
    ]);
    for (const name of later) assert.ok(declared(name), name);
  });

  it("parses signatures as reflect prints them, and a function object keeps one", () => {
    const sig = parseSignature("func(string, map[string]interface {}, ...interface {}) (string, error)");
    assert.deepEqual(
      sig.params.map((p) => [p.name, p.kind, p.canBeNil]),
      [
        ["string", "string", false],
        ["map[string]interface {}", "map", true],
      ],
    );
    assert.equal(sig.variadic?.name, "interface {}");
    assert.deepEqual(sig.results, ["string", "error"]);
    assert.throws(() => parseSignature("func(chan int) string"), /unknown Go type/);
    assert.throws(() => parseSignature("func() (string, int)"), /a value and an error/);
    const shared = (s: string) => s;
    goFunc("func(string) string", shared);
    assert.throws(() => goFunc("func(string) (string, error)", shared), /declared as both/);
  });

  it("argument count", () => {
    same(
      "{{ .a | upper | repeat }}",
      'ERR template: t:1:16: executing "t" at <repeat>: wrong number of args for repeat: want 2 got 1',
    );
    same(
      '{{ repeat 1 "x" "y" }}',
      'ERR template: t:1:3: executing "t" at <repeat>: wrong number of args for repeat: want 2 got 3',
    );
    same(
      "{{ round }}",
      'ERR template: t:1:3: executing "t" at <round>: wrong number of args for round: want at least 2 got 0',
    );
    same("{{ 1 | now }}", 'ERR template: t:1:7: executing "t" at <now>: wrong number of args for now: want 0 got 1');
    same(
      "{{ now.Format }}",
      'ERR template: t:1:3: executing "t" at <now>: wrong number of args for Format: want 1 got 0',
    );
  });

  it("constants take the parameter's kind", () => {
    same("{{ upper true }}", 'ERR template: t:1:9: executing "t" at <true>: expected string; found true');
    same("{{ upper 3 }}", 'ERR template: t:1:9: executing "t" at <3>: expected string; found 3');
    same('{{ repeat "2" .a }}', 'ERR template: t:1:10: executing "t" at <"2">: expected integer; found "2"');
    same("{{ repeat 2.5 .a }}", 'ERR template: t:1:10: executing "t" at <2.5>: expected integer; found 2.5');
    same('{{ repeat 2.0 .a }}|{{ repeat 1e1 "x" }}', "HelloHello|xxxxxxxxxx");
    same(`{{ repeat 'a' "x" | len }}`, "97");
    same(
      '{{ derivePassword -1 "long" "p" "u" "s" }}',
      'ERR template: t:1:18: executing "t" at <-1>: expected unsigned integer; found -1',
    );
    same('{{ round 2.5 0 "x" }}', 'ERR template: t:1:15: executing "t" at <"x">: expected float; found "x"');
    same("{{ round 2.55 1 1 }}", "2.5");
    same(
      '{{ get 1 "k" }}',
      `ERR template: t:1:7: executing "t" at <1>: can't handle 1 for arg of type map[string]interface {}`,
    );
    same('{{ ternary 1 2 "true" }}', 'ERR template: t:1:15: executing "t" at <"true">: expected bool; found "true"');
    same("{{ upper nil }}", 'ERR template: t:1:9: executing "t" at <nil>: cannot assign nil to string');
    same('{{ get nil "k" }}|{{ keys nil | len }}', "|0");
  });

  it("values must be assignable to the parameter's type", () => {
    same(
      '{{ hasKey . "a" }}',
      'ERR template: t:1:10: executing "t" at <.>: wrong type for value; expected map[string]interface {}; got map[string]string',
    );
    same(
      '{{ keys (fromJson "[1]") }}',
      'ERR template: t:1:18: executing "t" at <"[1]">: wrong type for value; expected map[string]interface {}; got []interface {}',
    );
    same(
      '{{ true | replace "l" "L" }}',
      'ERR template: t:1:22: executing "t" at <"L">: wrong type for value; expected string; got bool',
    );
    same(
      '{{ contains "l" .a | upper }}',
      'ERR template: t:1:21: executing "t" at <upper>: wrong type for value; expected string; got bool',
    );
    same(
      '{{ repeat (add 1 1) "x" }}',
      'ERR template: t:1:17: executing "t" at <1>: wrong type for value; expected int; got int64',
    );
    same('{{ repeat (len "ab") "x" }}', "xx");
    same(
      '{{ repeat (index "ab" 0) "x" }}',
      'ERR template: t:1:22: executing "t" at <0>: wrong type for value; expected int; got uint8',
    );
    same(
      '{{ get (split "," "a,b") "_0" }}',
      'ERR template: t:1:18: executing "t" at <"a,b">: wrong type for value; expected map[string]interface {}; got map[string]string',
    );
    // a nil taken out of a map[string]interface {} is an interface{} with nothing in it
    same(
      "{{ $m := fromJson .json }}{{ upper $m.x }}",
      'ERR template: t:1:37: executing "t" at <$m.x>: wrong type for value; expected string; got interface {}',
    );
    same(
      "{{ $m := fromJson .json }}{{ range $m.l }}{{ upper . }}{{ end }}",
      'ERR template: t:1:51: executing "t" at <.>: wrong type for value; expected string; got float64',
    );
    // a pipeline's nil result is no value at all, reported at the node evaluated last
    same("{{ upper (first (list)) }}", 'ERR template: t:1:17: executing "t" at <list>: invalid value; expected string');
    same(
      "{{ first (list) | upper }}",
      'ERR template: t:1:18: executing "t" at <upper>: invalid value; expected string',
    );
    same(
      '{{ genSelfSignedCert "x" (list) (splitList "," "a") 1 }}',
      'ERR template: t:1:47: executing "t" at <"a">: wrong type for value; expected []interface {}; got []string',
    );
    same(
      '{{ unixEpoch "2024" }}',
      `ERR template: t:1:13: executing "t" at <"2024">: can't handle "2024" for arg of type time.Time`,
    );
  });

  it("methods and builtins check their arguments too", () => {
    same('{{ now.Add "1h" }}', 'ERR template: t:1:11: executing "t" at <"1h">: expected integer; found "1h"');
    // an integer constant becomes a time.Duration
    same('{{ (toDate "2006-01-02" "2024-01-31").Add 3600000000000 | date "2006-01-02 15" }}', "2024-01-31 01");
    same(
      '{{ ((toDate "2006" "2024").AddDate 0 1 (add 0 1)).Month }}',
      'ERR template: t:1:46: executing "t" at <1>: wrong type for value; expected int; got int64',
    );
    same(
      '{{ (semver "1.2.3").LessThan "1.3.0" }}',
      `ERR template: t:1:29: executing "t" at <"1.3.0">: can't handle "1.3.0" for arg of type *semver.Version`,
    );
    same("{{ printf 3 }}", 'ERR template: t:1:10: executing "t" at <3>: expected string; found 3');
    same(
      "{{ 3 | printf }}",
      'ERR template: t:1:7: executing "t" at <printf>: wrong type for value; expected string; got int',
    );
    same(
      "{{ first (list) | printf }}",
      'ERR template: t:1:18: executing "t" at <printf>: invalid value; expected string',
    );
    same("{{ printf nil }}", 'ERR template: t:1:10: executing "t" at <nil>: cannot assign nil to string');
  });
});

/** One call of every function whose generated-template coverage is thin (dates, crypto, PKCS#12, must- forms). */
const EXERCISE = [
  '{{ now }}{{ ago now }}{{ date "2006" now }}{{ dateInZone "2006" now "UTC" }}{{ date_in_zone "2006" 0 "UTC" }}',
  '{{ dateModify "1h" now }}{{ date_modify "x" now }}{{ mustDateModify "1h" now }}{{ must_date_modify "1m" now }}',
  '{{ duration 5 }}{{ durationRound "1h" }}{{ htmlDate now }}{{ htmlDateInZone now "UTC" }}',
  '{{ toDate "2006" "2024" }}{{ mustToDate "2006" "2024" }}{{ unixEpoch now }}{{ hello }}{{ trimall "a" "abca" }}',
  '{{ randAlphaNum 3 }}{{ randAlpha 3 }}{{ randAscii 3 }}{{ randNumeric 3 }}{{ shuffle "abc" }}{{ randInt 1 5 }}',
  '{{ wrapWith 2 "-" "a b c" }}{{ plural "a" "b" 2 }}{{ split "," "a,b" }}{{ splitn "," 2 "a,b,c" }}',
  '{{ toDecimal "17" }}{{ add1f 1 }}{{ all 1 "" }}{{ any 1 "" }}{{ mustFromJson "{}" }}{{ mustToJson 1 }}',
  '{{ mustToPrettyJson 1 }}{{ mustToRawJson 1 }}{{ typeIs "int" 1 }}{{ typeIsLike "int" 1 }}{{ kindIs "int" 1 }}',
  '{{ deepEqual 1 1 }}{{ osBase "/a/b" }}{{ osDir "/a/b" }}{{ osClean "/a/../b" }}{{ osExt "a.b" }}{{ osIsAbs "/a" }}',
  '{{ hexdec "6869" }}{{ $d := dict "a" 1 }}{{ set $d "b" 2 }}{{ unset $d "b" }}{{ pluck "a" $d $d }}{{ values $d }}',
  '{{ $d := dict "a" 1 }}{{ mustMerge $d (dict) }}{{ mergeOverwrite $d (dict) }}{{ mustMergeOverwrite $d (dict) }}',
  "{{ deepCopy (list 1) }}{{ mustDeepCopy (dict) }}{{ tuple 1 2 }}{{ mustAppend (list) 1 }}{{ push (list) 1 }}",
  "{{ mustPush (list) 1 }}{{ mustPrepend (list) 1 }}{{ first (list 1) }}{{ mustFirst (list 1) }}{{ mustRest (list 1) }}",
  "{{ last (list 1) }}{{ mustLast (list 1) }}{{ mustInitial (list 1) }}{{ mustReverse (list 1) }}{{ mustUniq (list 1) }}",
  "{{ mustWithout (list 1) 1 }}{{ mustHas 1 (list 1) }}{{ mustSlice (list 1 2) 1 }}{{ mustChunk 1 (list 1) }}",
  '{{ mustCompact (list 1 "") }}{{ sha512sum "a" }}{{ bcrypt "a" }}{{ htpasswd "u" "p" }}',
  '{{ derivePassword 1 "pin" "p" "u" "s" }}{{ $e := encryptAES "k" "text" }}{{ decryptAES "k" $e }}{{ randBytes 3 }}',
  '{{ uuidv4 }}{{ genPrivateKey "ecdsa" }}{{ $ca := genCA "ca" 1 }}{{ buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}',
  '{{ $k := genPrivateKey "ecdsa" }}{{ $ca := genCAWithKey "ca" 1 $k }}{{ genSelfSignedCert "s" nil nil 1 }}',
  '{{ $k := genPrivateKey "ecdsa" }}{{ $ca := genCA "ca" 1 }}{{ genSignedCert "l" nil nil 1 $ca }}{{ genSignedCertWithKey "l" nil nil 1 $ca $k }}',
  '{{ mustRegexMatch "a" "a" }}{{ mustRegexFindAll "a" "aa" -1 }}{{ mustRegexFind "a" "a" }}{{ mustRegexSplit "," "a,b" -1 }}',
  '{{ mustRegexReplaceAll "a" "a" "b" }}{{ mustRegexReplaceAllLiteral "a" "a" "b" }}{{ urlJoin (dict "host" "h") }}',
  [
    '{{ $k := genPrivateKey "ecdsa" }}{{ $c := genSelfSignedCertWithKey "s" nil (list "a.example") 1 $k }}',
    "{{ $p := pemToPkcs12 $c.Cert $k | b64dec }}{{ pkcs12key $p }}{{ pkcs12cert $p }}",
    '{{ $q := pemToPkcs12Pass $c.Cert $k "pw" | b64dec }}{{ pkcs12keyPass "pw" $q }}{{ pkcs12certPass "pw" $q }}',
    '{{ fullPemToPkcs12 $c.Cert $k }}{{ fullPemToPkcs12Pass $c.Cert $k "pw" }}',
    '{{ pemTruststoreToPKCS12 $c.Cert }}{{ pemTruststoreToPKCS12Pass $c.Cert "pw" }}',
    '{{ filterCertChain "leaf" $c.Cert }}{{ certSANs $c.Cert }}{{ rsaDecrypt "None" "SHA256" "x" $k }}',
  ].join(""),
  `{{ jwkPublicKeyPem "{\\"kty\\":\\"EC\\",\\"crv\\":\\"P-256\\",\\"x\\":\\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\\",\\"y\\":\\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\\"}" }}`,
  `{{ jwkPrivateKeyPem "{\\"kty\\":\\"EC\\",\\"crv\\":\\"P-256\\",\\"x\\":\\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\\",\\"y\\":\\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\\",\\"d\\":\\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\\"}" }}`,
  '{{ fail "done" }}',
];

describe("function results", () => {
  it("every function returns values of the Go type its signature declares", () => {
    const mismatches = new Set<string>();
    const called = new Set<string>();
    const funcs: FuncMap = {};
    for (const [name, fn] of Object.entries(defaultFuncs())) {
      const sig = funcSignature(fn)!;
      const declared = sig.results[0]!;
      funcs[name] = goFunc(sig.text, (...args: unknown[]) => {
        called.add(name);
        const result = fn(...args);
        const got = goTypeName(result);
        if (declared !== "interface {}" && got !== declared) mismatches.add(`${name}: ${declared}, got ${got}`);
        return result;
      });
    }
    const run = (text: string, d: Record<string, string>) => {
      try {
        render("t", text, d, { funcs, missingKey: "error" });
      } catch {
        // errors are Go's answers too; only result types are checked here
      }
    };
    for (const text of EXERCISE) run(text, {});
    for (const [text, d] of fc.sample(fc.tuple(templateArb, dataArb), { numRuns: 3000, seed: 7 })) run(text, d);
    assert.deepEqual([...mismatches], []);
    assert.deepEqual(
      Object.keys(funcs).filter((n) => !called.has(n)),
      [],
      "functions no template here called: add a call to EXERCISE",
    );
  });
});
