/**
 * Generated Go templates for the oracle comparison: actions, pipelines, variables, if/range/with/define/template,
 * and a wide set of Sprig and ESO functions whose output is deterministic (no random, time or UUID functions, no
 * map-order-dependent ones such as an unsorted `keys`), over ESO-shaped data (a map of strings).
 */
import fc from "fast-check";

/** Data values: plain words, numbers, JSON and YAML documents, versions, lists, Unicode, empty. */
const VALUES = [
  "",
  "hello",
  "Hello World",
  "  padded  ",
  "42",
  "-7",
  "3.5",
  "0x1F",
  "true",
  "a,b,c,b",
  "x-y_z.w",
  "1.2.3",
  "v2.0.0-rc.1+build.5",
  '{"a":1,"b":[true,null,"x"],"c":{"d":"e"}}',
  '{"n": 12345678901234567890, "f": 1.5e3}',
  "[1,2,3]",
  "a: 1\nb: [x, y]\nc:\n  d: e\n",
  "key: 'quoted: value'\nlist:\n- 1\n- two\n",
  "aGVsbG8gd29ybGQ=",
  "not base64!",
  "NBSWY3DP",
  "héllo wörld",
  "日本語テキスト",
  "emoji 🙂 here",
  "line1\nline2\n",
  "tab\there",
  "/usr/local/bin/tool.tar.gz",
  "https://user:pw@example.com:8443/p/a?q=1&r=x#frag",
  "CamelCaseString",
  "snake_case_string",
  "<b>&'\"</b>",
  "%s %d %v",
  "$1 ${x}",
  "ǅǆǄ ß ŉ İı ſ ΐ",
  "\u1c89\u1c8a x\u{10d50}y\u{10d70} \ua7cb",
];

export const KEYS = ["a", "b", "c", "json", "yaml", "num", "list", "ver"] as const;

export const dataArb: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    a: fc.constantFrom(...VALUES),
    b: fc.constantFrom(...VALUES),
    c: fc.oneof(fc.constantFrom(...VALUES), fc.string({ unit: "grapheme", maxLength: 12 })),
    json: fc.oneof(
      fc.constantFrom(VALUES[13]!, VALUES[14]!, VALUES[15]!),
      fc.json({ maxDepth: 2 }).map((j) => j),
    ),
    yaml: fc.constantFrom(VALUES[16]!, VALUES[17]!, "a: b", "- x\n- y\n", "x: [1, 2]"),
    num: fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.constantFrom("0", "7", "1e3", "2.5", "x")),
    list: fc.constantFrom("a,b,c", "c,a,b,a", "", "one", "x,,y"),
    ver: fc.constantFrom("1.2.3", "v1.0.0", "2.0.0-beta.1", "0.1", "bad.version", "1.2.3+meta"),
  },
  { requiredKeys: ["a", "b", "json", "yaml", "num", "list", "ver"] },
);

/** Letters Unicode added after Go's tables (Cyrillic TJE, Garay, Latin ramshorn: Unicode 16), which Go leaves alone. */
const NEW_LETTERS = ["\u1c89\u1c8a", "\u{10d50}\u{10d70}", "\ua7cb\ua7dc", "Ᲊb ᲊB"];

const WORDS = [
  "",
  "x",
  "ab",
  "Hello",
  "a,b",
  "-",
  "é",
  "日",
  "🙂",
  " sp ",
  "1",
  "a.b",
  "%d",
  "\\n",
  "\n",
  ...NEW_LETTERS,
];

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u007f/g, "\\x7f");
}

/** A Go string literal built from \x and octal byte escapes (valid UTF-8 or not) and plain text. */
const byteEscapeLit = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((b) => `\\x${b.toString(16).padStart(2, "0")}`),
      fc.integer({ min: 0, max: 255 }).map((b) => `\\${b.toString(8).padStart(3, "0")}`),
      fc.constantFrom("\\xef\\xbb\\xbf", "\\xc3\\xa9", "\\303", "\\xe6\\x97\\xa5", "\\xf0\\x9f", "a", "é"),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((xs) => `"${xs.join("")}"`);

const strLit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS).map(goQuote) },
  { weight: 1, arbitrary: byteEscapeLit },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }).map(goQuote) },
  { weight: 1, arbitrary: fc.constantFrom("`raw\\n`", "`a,b`", '`"q"`', "``") },
);
const smallInt = fc.oneof(fc.integer({ min: -3, max: 12 }).map(String), fc.constantFrom("0", "1", "2", "100"));
const field = fc.constantFrom(...KEYS.map((k) => `.${k}`), "$.a", '(index . "b")');

/**
 * Expressions by Go type, so that most generated calls type-check as Go's reflect-based calls demand:
 * `int` (literals, len, atoi: what Sprig's int parameters accept) apart from `num` (int64 and float64 results
 * of Sprig's arithmetic, which those parameters reject).
 */
type Gen = {
  str: fc.Arbitrary<string>;
  int: fc.Arbitrary<string>;
  num: fc.Arbitrary<string>;
  list: fc.Arbitrary<string>;
  bool: fc.Arbitrary<string>;
};
type Dict = fc.Arbitrary<string>;

/** Sprig/ESO functions of one string that return a string. */
const UNARY = [
  "upper",
  "lower",
  "title",
  "untitle",
  "trim",
  "nospace",
  "snakecase",
  "camelcase",
  "kebabcase",
  "swapcase",
  "initials",
  "quote",
  "squote",
  "b64enc",
  "b64dec",
  "b32enc",
  "b32dec",
  "sha1sum",
  "sha256sum",
  "adler32sum",
  "toString",
  "toJson",
  "toRawJson",
  "toPrettyJson",
  "html",
  "js",
  "urlquery",
  "base",
  "dir",
  "ext",
  "clean",
  "toYaml",
  "print",
  "println",
  "regexQuoteMeta",
  "typeOf",
  "kindOf",
] as const;

/** Functions of one string that return another kind (int, float64, interface{}, *semver.Version). */
const CONVERT = ["len", "atoi", "int", "int64", "float64", "fromJson", "fromYaml", "toStrings"] as const;

const VERSION = fc.constantFrom(".ver", '"1.2.3"', '"v2.0.0-rc.1+b.5"', '"1.2"', '"x"', "$.ver");

function level(prev: Gen, dict: Dict): Gen {
  const { str, int, num, list, bool } = prev;
  const s2 = fc.tuple(str, str);
  const strArb = fc.oneof(
    { weight: 3, arbitrary: prev.str },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...UNARY), str).map(([f, a]) => `(${f} ${a})`) },
    { weight: 3, arbitrary: fc.tuple(str, fc.constantFrom(...UNARY)).map(([a, f]) => `(${a} | ${f})`) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            "trimPrefix",
            "trimSuffix",
            "trimAll",
            "cat",
            "replace",
            "contains",
            "hasPrefix",
            "hasSuffix",
          ),
          s2,
          str,
        )
        .map(([f, [a, b], c]) => (f === "cat" || f === "replace" ? `(${f} ${a} ${b} ${c})` : `(${f} ${a} ${b})`)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom("repeat", "trunc", "abbrev", "wrap", "indent", "nindent", "substr 1", "abbrevboth 1"),
          int,
          str,
        )
        .map(([f, n, a]) => `(${f} ${n} ${a})`),
    },
    { weight: 2, arbitrary: fc.tuple(str, list).map(([sep, l]) => `(join ${sep} ${l})`) },
    { weight: 2, arbitrary: fc.tuple(str, str).map(([d, v]) => `(default ${d} ${v})`) },
    { weight: 1, arbitrary: fc.tuple(str, str).map(([a, b]) => `(coalesce ${a} ${b})`) },
    { weight: 1, arbitrary: fc.tuple(str, str, bool).map(([a, b, c]) => `(ternary ${a} ${b} ${c})`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('"%s"', '"%d"', '"%v-%v"', '"%q"', '"%x"', '"%5.2f"', '"%T"', '"%-4s|"', '"%03d"', '"%+v"'),
          fc.array(fc.oneof(str, int, num, list, dict), { minLength: 0, maxLength: 2 }),
        )
        .map(([f, args]) => `(printf ${f} ${args.join(" ")})`),
    },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...REGEXPS), str).map(([r, a]) => `(regexFind ${r} ${a})`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom("regexReplaceAll", "regexReplaceAllLiteral"),
          fc.constantFrom(...REGEXPS),
          str,
          fc.constantFrom(...REPLS),
        )
        .map(([f, r, a, p]) => `(${f} ${r} ${a} ${p})`),
    },
    { weight: 1, arbitrary: fc.tuple(dict, str).map(([d, k]) => `(get ${d} ${k})`) },
    { weight: 1, arbitrary: fc.tuple(dict, str).map(([d, k]) => `(dig ${k} "dflt" ${d} | toString)`) },
    { weight: 1, arbitrary: dict.map((d) => `(${d} | toJson)`) },
    { weight: 1, arbitrary: dict.map((d) => `(${d} | toYaml)`) },
    { weight: 1, arbitrary: list.map((l) => `(${l} | toJson)`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(VERSION, fc.constantFrom("Major", "Minor", "Patch", "Prerelease", "Metadata", "Original", "String"))
        .map(([v, m]) => `((semver ${v}).${m} | toString)`),
    },
    { weight: 1, arbitrary: fc.tuple(str, list).map(([a, l]) => `(cat ${a} (index ${l} 0))`) },
    { weight: 1, arbitrary: fc.constantFrom('(filterPEM "CERTIFICATE" "")', '(filterPEM "KEY" "x")') },
    { weight: 1, arbitrary: fc.tuple(str).map(([a]) => `(urlParse ${a} | toJson)`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CONVERT), str).map(([f, a]) => `(${f} ${a} | toString)`) },
    { weight: 1, arbitrary: num.map((n) => `(toString ${n})`) },
  );
  const intArb = fc.oneof(
    { weight: 3, arbitrary: int },
    { weight: 2, arbitrary: str.map((s) => `(len ${s})`) },
    { weight: 2, arbitrary: list.map((l) => `(len ${l})`) },
    { weight: 1, arbitrary: str.map((s) => `(atoi ${s})`) },
    { weight: 1, arbitrary: num.map((n) => `(int ${n})`) },
  );
  const numArb = fc.oneof(
    { weight: 2, arbitrary: num },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom("add", "sub", "mul", "div", "mod", "max", "min", "add1", "biggest"),
          fc.oneof(int, num),
          fc.oneof(int, num),
        )
        .map(([f, a, b]) => (f === "add1" ? `(add1 ${a})` : `(${f} ${a} ${b})`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("floor", "ceil", "round", "float64", "int64"), fc.oneof(int, num, str))
        .map(([f, a]) => (f === "round" ? `(round ${a} 1)` : `(${f} ${a})`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("addf", "subf", "mulf", "divf", "maxf", "minf"),
          fc.oneof(int, num),
          fc.oneof(int, num, str),
        )
        .map(([f, a, b]) => `(${f} ${a} ${b})`),
    },
  );
  const listArb = fc.oneof(
    { weight: 2, arbitrary: list },
    { weight: 2, arbitrary: fc.array(fc.oneof(str, int), { maxLength: 4 }).map((xs) => `(list ${xs.join(" ")})`) },
    { weight: 2, arbitrary: fc.tuple(str, str).map(([sep, s]) => `(splitList ${sep} ${s})`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom("uniq", "sortAlpha", "reverse", "rest", "initial", "compact", "toStrings"), list)
        .map(([f, l]) => `(${f} ${l})`),
    },
    { weight: 1, arbitrary: fc.tuple(list, str).map(([l, x]) => `(append ${l} ${x})`) },
    { weight: 1, arbitrary: fc.tuple(list, str).map(([l, x]) => `(prepend ${l} ${x})`) },
    { weight: 1, arbitrary: fc.tuple(list, list).map(([a, b]) => `(concat ${a} ${b})`) },
    { weight: 1, arbitrary: fc.tuple(list, str).map(([l, x]) => `(without ${l} ${x})`) },
    { weight: 1, arbitrary: int.map((n) => `(until ${n})`) },
    { weight: 1, arbitrary: fc.tuple(int, int).map(([a, b]) => `(seq ${a} ${b} | splitList " ")`) },
    { weight: 1, arbitrary: fc.array(fc.oneof(num, int), { maxLength: 3 }).map((xs) => `(list ${xs.join(" ")})`) },
    { weight: 1, arbitrary: fc.tuple(int, int, int).map(([a, b, c]) => `(untilStep ${a} ${b} ${c})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...REGEXPS), str).map(([r, s]) => `(regexFindAll ${r} ${s} -1)`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...REGEXPS), str, int).map(([r, s, n]) => `(regexSplit ${r} ${s} ${n})`),
    },
    { weight: 1, arbitrary: dict.map((d) => `(keys ${d} | sortAlpha)`) },
    { weight: 1, arbitrary: fc.tuple(list, int).map(([l, n]) => `(slice ${l} ${n})`) },
    { weight: 1, arbitrary: fc.tuple(int, list).map(([n, l]) => `(chunk ${n} ${l} | toJson | list)`) },
  );
  const boolArb = fc.oneof(
    { weight: 2, arbitrary: bool },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom("eq", "ne"), str, str).map(([f, a, b]) => `(${f} ${a} ${b})`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom("eq", "lt", "le", "gt", "ge", "ne"), fc.oneof(int, num), fc.oneof(int, num))
        .map(([f, a, b]) => `(${f} ${a} ${b})`),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("lt", "eq"), str, int).map(([f, a, b]) => `(${f} ${a} ${b})`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom("and", "or"), bool, bool).map(([f, a, b]) => `(${f} ${a} ${b})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("and", "or"), fc.oneof(str, int), str)
        .map(([f, a, b]) => `(${f} ${a} ${b} | toString)`)
        .map((x) => `(eq ${x} "")`),
    },
    { weight: 1, arbitrary: bool.map((b) => `(not ${b})`) },
    { weight: 1, arbitrary: fc.oneof(str, list, int, dict).map((v) => `(empty ${v})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...REGEXPS), str).map(([r, s]) => `(regexMatch ${r} ${s})`) },
    { weight: 1, arbitrary: fc.tuple(list, str).map(([l, x]) => `(has ${x} ${l})`) },
    { weight: 1, arbitrary: fc.tuple(dict, str).map(([d, k]) => `(hasKey ${d} ${k})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('">= 1.0"', '"~1.2"', '"^2"', '"< 1.2.3"', '"1.x"', '"bad"'), VERSION)
        .map(([c, v]) => `(semverCompare ${c} ${v})`),
    },
    { weight: 1, arbitrary: str.map((s) => `(isAbs ${s})`) },
  );
  return { str: strArb, int: intArb, num: numArb, list: listArb, bool: boolArb };
}

const REGEXPS = [
  '"[a-z]+"',
  '"^a"',
  '"(\\\\w)(\\\\d)?"',
  '"\\\\s+"',
  '","',
  '"(?i)HELLO"',
  '"[[:upper:]]"',
  '"é|日"',
  '"("',
  '"x*"',
];
const REPLS = ['"X"', '"$1"', '"${1}-"', '"$$"', '"<$0>"', '""'];

function leaves(): Gen {
  const str = fc.oneof({ weight: 3, arbitrary: strLit }, { weight: 4, arbitrary: field });
  const int = fc.oneof(
    { weight: 3, arbitrary: smallInt },
    { weight: 1, arbitrary: fc.constantFrom("(atoi .num)", "(int .num)", "(len .a)") },
  );
  const num = fc.constantFrom(
    "(add 1 2)",
    "(int64 .num)",
    "(float64 .num)",
    "1.5",
    "(sub 0 9)",
    "(mul 3 -4)",
    "2e3",
    "(divf 1 3)",
  );
  const list = fc.constantFrom(
    '(splitList "," .list)',
    "(list 1 2 3)",
    '(list "b" "a" "c")',
    "(list)",
    '(list "x" 2 true)',
  );
  const bool = fc.constantFrom("true", "false", "(empty .a)", '(eq .a "hello")', '(hasKey (dict "c" 1) .c)');
  return { str, int, num, list, bool };
}

const dictLeaf: Dict = fc.constantFrom(
  '(dict "a" 1 "b" "two")',
  "(dict)",
  "(fromJson .json)",
  "(fromYaml .yaml)",
  '(dict "k" (list 1 2) "z" (dict "y" true))',
);

/** Expression generators, three levels of nesting deep. */
function expressions(): Gen & { dict: Dict } {
  let g = leaves();
  for (let i = 0; i < 2; i++) g = level(g, dictLeaf);
  const dict = fc.oneof(
    { weight: 3, arbitrary: dictLeaf },
    { weight: 1, arbitrary: fc.tuple(g.str, g.str).map(([k, v]) => `(dict ${k} ${v} "x" 1)`) },
    { weight: 1, arbitrary: fc.tuple(dictLeaf, dictLeaf).map(([a, b]) => `(merge (dict) ${a} ${b})`) },
    { weight: 1, arbitrary: fc.tuple(dictLeaf, g.str).map(([d, k]) => `(omit ${d} ${k} "a")`) },
    { weight: 1, arbitrary: fc.tuple(dictLeaf, g.str).map(([d, k]) => `(pick ${d} ${k} "a")`) },
  );
  return { ...g, dict };
}

const E = expressions();
const anyExpr = fc.oneof({ weight: 4, arbitrary: E.str }, E.int, E.num, E.list, E.bool, E.dict, fc.constant("."));
const trimL = fc.constantFrom("{{", "{{", "{{- ");
const trimR = fc.constantFrom("}}", "}}", " -}}");
const text = fc.constantFrom("", "", "x", " ", "\n", "a-b ", "é", "}", "{ ");

function action(expr: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(trimL, expr, trimR).map(([l, e, r]) => `${l}${e}${r}`);
}

/** A block body; `vars` are the variables in scope besides `$`. */
function body(...vars: string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(text, action(anyExpr), action(fc.constantFrom(".", "$", "$.a", ...vars))), { maxLength: 3 })
    .map((xs) => xs.join(""));
}

const simpleBody = body();

// ---------------------------------------------------------------------------------------------------------------
// The rest of the function map: every Sprig v3.3.0 and ESO v0.16.2 function that the blocks above leave out, each
// with plausible arguments and, now and then, arguments of another type (nil, a list, a dict, a number), so that
// Sprig's quirks (arguments it ignores, converts or treats as zero) are compared too. Functions whose Go result is
// random or depends on the clock are compared through what is deterministic about them (a round trip, a length).

/** A throwaway P-256 key and self-signed certificate (CN oracle.test, SANs of each kind), for the PEM functions. */
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBvTCCAWSgAwIBAgIUCO/2bZHwBWW9/u28tx0xioeSktIwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLb3JhY2xlLnRlc3QwIBcNMjYxMjA3MTAwODE5WhgPMjEyNjEx
MTMxMDA4MTlaMBYxFDASBgNVBAMMC29yYWNsZS50ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE2LJoMm/J9UyPUn+N1WdXTZzqZILXIQyBp2YMNTLksGGMw8y4
4tIiDFC5tCF3rF3odk0yPwp97lULNLLbyvMP2qOBjTCBijAdBgNVHQ4EFgQUggSO
w4tacq5glyk8R12khwRoV0EwHwYDVR0jBBgwFoAUggSOw4tacq5glyk8R12khwRo
V0EwDwYDVR0TAQH/BAUwAwEB/zA3BgNVHREEMDAuggZhLnRlc3SCBmIudGVzdIcE
CgAAAYEIeEBhLnRlc3SGDHNwaWZmZTovL2EvYjAKBggqhkjOPQQDAgNHADBEAiA7
rov0hILBF5sBgPxTyYjpz7LEXPHYEXkcBbsxj9tmDQIgCWfTNyxJllNUtKfROzdF
dDdTc5o5i7uSyLcPqJxumXQ=
-----END CERTIFICATE-----`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQdQW1d9JNhlXbTFO
puNEHcNUeC9jq/X+z7FozY/XWV2hRANCAATYsmgyb8n1TI9Sf43VZ1dNnOpkgtch
DIGnZgw1MuSwYYzDzLji0iIMULm0IXesXeh2TTI/Cn3uVQs0stvK8w/a
-----END PRIVATE KEY-----`;
const TEST_JWK =
  '{"kty":"EC","x":"2LJoMm_J9UyPUn-N1WdXTZzqZILXIQyBp2YMNTLksGE","y":"jMPMuOLSIgxQubQhd6xd6HZNMj8Kfe5VCzSy28rzD9o","crv":"P-256","d":"QdQW1d9JNhlXbTFOpuNEHcNUeC9jq_X-z7FozY_XWV0"}';
const TEST_JWK_PUB =
  '{"kty":"EC","x":"2LJoMm_J9UyPUn-N1WdXTZzqZILXIQyBp2YMNTLksGE","y":"jMPMuOLSIgxQubQhd6xd6HZNMj8Kfe5VCzSy28rzD9o","crv":"P-256"}';

const pemArg = fc.constantFrom(
  `\`${TEST_CERT}\``,
  `\`${TEST_KEY}\``,
  `\`${TEST_CERT}\n${TEST_CERT}\``,
  '"not pem"',
  '""',
  `\`${TEST_CERT.slice(0, 80)}\``,
);
const jwkArg = fc.constantFrom(`\`${TEST_JWK}\``, `\`${TEST_JWK_PUB}\``, '`{"kty":"oct","k":"AQ"}`', '"{}"', '"x"');
const timeArg = fc.constantFrom(
  '(toDate "2006-01-02" "2024-02-29")',
  '(toDate "2006-01-02T15:04:05Z07:00" "1999-12-31T23:59:59+05:30")',
  "0",
  "1700000000",
  '(int64 "86400")',
);
const layoutArg = fc.constantFrom(
  '"2006-01-02"',
  '"Mon Jan _2 15:04:05 MST 2006"',
  '"15:04:05.000 -0700"',
  '"Z07:00 pm PM .999"',
  '""',
  '"x"',
);
// zones whose abbreviations the JS engine's Intl spells as Go's tzdata does (not IST, BST, LMT: see the report)
const zoneArg = fc.constantFrom('"UTC"', '"America/Los_Angeles"', '"America/New_York"', '"Local"', '"Nope/Zone"', '""');
const durationArg = fc.constantFrom('"1h30m"', '"-90s"', '"1.5h"', '"bad"', '"0"', '"1µs"', '"2562047h"');

type ExtraArg =
  | "str"
  | "int"
  | "num"
  | "list"
  | "dict"
  | "bool"
  | "any"
  | "pem"
  | "jwk"
  | "time"
  | "layout"
  | "zone"
  | "dur";

/** Function name, argument kinds; a trailing "..." repeats the last kind 0 to 2 more times. */
const EXTRA_FUNCS: [string, ExtraArg[], boolean?][] = [
  ["add1f", ["num"]],
  ["any", ["any", "any"], true],
  ["date", ["layout", "time"]],
  ["dateInZone", ["layout", "time", "zone"]],
  ["date_in_zone", ["layout", "time", "zone"]],
  ["dateModify", ["dur", "time"]],
  ["date_modify", ["dur", "time"]],
  ["mustDateModify", ["dur", "time"]],
  ["must_date_modify", ["dur", "time"]],
  ["htmlDate", ["time"]],
  ["htmlDateInZone", ["time", "zone"]],
  ["toDate", ["layout", "str"]],
  ["mustToDate", ["layout", "str"]],
  ["unixEpoch", ["time"]],
  ["duration", ["num"]],
  ["durationRound", ["dur"]],
  ["deepCopy", ["any"]],
  ["mustDeepCopy", ["any"]],
  ["deepEqual", ["any", "any"]],
  ["derivePassword", ["int", "str", "str", "str", "str"]],
  ["fail", ["str"]],
  ["filterCertChain", ["pem", "str"]],
  ["first", ["list"]],
  ["mustFirst", ["list"]],
  ["last", ["list"]],
  ["mustLast", ["list"]],
  ["kindIs", ["str", "any"]],
  ["typeIs", ["str", "any"]],
  ["typeIsLike", ["str", "any"]],
  ["mergeOverwrite", ["dict", "dict"], true],
  ["mustMerge", ["dict", "dict"], true],
  ["mustMergeOverwrite", ["dict", "dict"], true],
  ["mustAppend", ["list", "any"]],
  ["push", ["list", "any"]],
  ["mustPush", ["list", "any"]],
  ["mustPrepend", ["list", "any"]],
  ["mustChunk", ["int", "list"]],
  ["mustCompact", ["list"]],
  ["mustHas", ["any", "list"]],
  ["mustInitial", ["list"]],
  ["mustRest", ["list"]],
  ["mustReverse", ["list"]],
  ["mustSlice", ["list", "int"], true],
  ["mustUniq", ["list"]],
  ["mustWithout", ["list", "any"], true],
  ["mustRegexFind", ["str", "str"]],
  ["mustRegexFindAll", ["str", "str", "int"]],
  ["mustRegexMatch", ["str", "str"]],
  ["mustRegexReplaceAll", ["str", "str", "str"]],
  ["mustRegexReplaceAllLiteral", ["str", "str", "str"]],
  ["mustRegexSplit", ["str", "str", "int"]],
  ["mustFromJson", ["str"]],
  ["mustToJson", ["any"]],
  ["mustToPrettyJson", ["any"]],
  ["mustToRawJson", ["any"]],
  ["osBase", ["str"]],
  ["osClean", ["str"]],
  ["osDir", ["str"]],
  ["osExt", ["str"]],
  ["osIsAbs", ["str"]],
  ["jwkPrivateKeyPem", ["jwk"]],
  ["jwkPublicKeyPem", ["jwk"]],
  ["pluck", ["str", "dict"], true],
  ["plural", ["str", "str", "int"]],
  ["sha512sum", ["str"]],
  ["split", ["str", "str"]],
  ["splitn", ["str", "int", "str"]],
  ["toDecimal", ["any"]],
  ["trimall", ["str", "str"]],
  ["tuple", ["any"], true],
  ["unset", ["dict", "str"]],
  ["urlJoin", ["dict"]],
  ["wrapWith", ["int", "str", "str"]],
];

/** Deterministic views of random or keyed results: round trips and lengths. */
const EXTRA_ROUND_TRIPS = [
  '(decryptAES "k" (encryptAES "k" .a))',
  '(decryptAES "k" "bm90IGNpcGhlcnRleHQ=")',
  '(decryptAES "k" "!")',
  "(len (shuffle .a))",
  '(shuffle "x")',
  "(len (randAlpha 5))",
  "(len (randAlphaNum 3))",
  "(len (randAscii 4))",
  "(len (randNumeric 2))",
  "(len (randBytes 6))",
  "(lt (randInt 1 5) 5)",
  "(len (uuidv4))",
  "(len (bcrypt .a))",
  '(len (htpasswd "user" .a))',
  '(htpasswd "us:er" "x")',
  "(le (now | unixEpoch | atoi) (now | unixEpoch | atoi))",
  "(ago (now) | len | lt 0)",
  '(len (genPrivateKey "ecdsa"))',
  '(genPrivateKey "nope")',
  '(genCA "ca" 30).Cert | len | lt 100',
  '(genCAWithKey "ca" 1 "bad").Cert',
  '(genSelfSignedCert "x" nil nil 1).Key | len | lt 100',
  '(genSelfSignedCertWithKey "x" (list "1.2.3.4") (list "a.test") 1 (genPrivateKey "ed25519")).Cert | len | lt 100',
  '(genSignedCert "x" nil nil 1 (genCA "ca" 1)).Cert | len | lt 100',
  '(genSignedCertWithKey "x" nil nil 1 (genCA "ca" 1) "bad").Cert',
  `(buildCustomCert (b64enc \`${TEST_CERT}\`) (b64enc \`${TEST_KEY}\`)).Cert`,
  '(buildCustomCert "eA==" "eA==").Cert',
  `(pkcs12key (pemToPkcs12 \`${TEST_CERT}\` \`${TEST_KEY}\` | b64dec))`,
  `(pkcs12cert (pemToPkcs12 \`${TEST_CERT}\` \`${TEST_KEY}\` | b64dec))`,
  `(pkcs12certPass "pw" (pemToPkcs12Pass \`${TEST_CERT}\` \`${TEST_KEY}\` "pw" | b64dec))`,
  `(pkcs12keyPass "pw" (pemToPkcs12Pass \`${TEST_CERT}\` \`${TEST_KEY}\` "pw" | b64dec))`,
  `(pkcs12cert (fullPemToPkcs12 \`${TEST_CERT}\` \`${TEST_KEY}\` | b64dec))`,
  `(pkcs12keyPass "p" (fullPemToPkcs12Pass \`${TEST_CERT}\` \`${TEST_KEY}\` "p" | b64dec))`,
  '(pemToPkcs12 "x" "y")',
] as const;

function extraArgs(E: Gen & { dict: Dict }): Record<ExtraArg, fc.Arbitrary<string>> {
  const any = fc.oneof(E.str, E.int, E.num, E.list, E.bool, E.dict, fc.constantFrom("nil", "."));
  return {
    str: E.str,
    int: E.int,
    num: fc.oneof(E.num, E.int, E.str),
    list: fc.oneof({ weight: 3, arbitrary: E.list }, E.str),
    dict: E.dict,
    bool: E.bool,
    any,
    pem: pemArg,
    jwk: jwkArg,
    time: timeArg,
    layout: layoutArg,
    zone: zoneArg,
    dur: fc.oneof(durationArg, E.int, E.str),
  };
}

function extraCall(E: Gen & { dict: Dict }): fc.Arbitrary<string> {
  const args = extraArgs(E);
  const odd = fc.constantFrom("nil", "1", '"s"', "(list 1)", '(dict "a" 1)', "2.5", "true");
  // Sprig's date functions read any other type as time.Now(): their time arguments stay plausible
  const arg = (k: ExtraArg) =>
    k === "time" ? args[k] : fc.oneof({ weight: 6, arbitrary: args[k] }, { weight: 1, arbitrary: odd });
  const call = fc
    .constantFrom(...EXTRA_FUNCS)
    .chain(([name, kinds, variadic]) =>
      fc
        .tuple(
          fc.tuple(...kinds.map(arg)),
          variadic ? fc.array(arg(kinds[kinds.length - 1]!), { maxLength: 2 }) : fc.constant([] as string[]),
        )
        .map(([xs, more]) => `(${name} ${[...xs, ...more].join(" ")})`),
    );
  return fc.oneof({ weight: 6, arbitrary: call }, { weight: 2, arbitrary: fc.constantFrom(...EXTRA_ROUND_TRIPS) });
}

/** An action printing one of the remaining functions' results, plainly or as JSON. */
export const extraBlock: fc.Arbitrary<string> = fc
  .tuple(extraCall(E), fc.constantFrom("", " | toJson", ' | printf "%v|%T"', " | toString | len"))
  .map(([call, tail]) => `{{ ${call}${tail} }}`);

const block = fc.oneof(
  { weight: 5, arbitrary: action(anyExpr) },
  { weight: 3, arbitrary: extraBlock },
  { weight: 2, arbitrary: action(fc.tuple(anyExpr, fc.constantFrom(...UNARY)).map(([e, f]) => `${e} | ${f}`)) },
  { weight: 2, arbitrary: fc.tuple(anyExpr, body("$x")).map(([e, b]) => `{{ $x := ${e} }}${b}{{ $x }}`) },
  { weight: 1, arbitrary: fc.tuple(anyExpr, anyExpr).map(([e, f]) => `{{ $x := ${e} }}{{ $x = ${f} }}{{ $x }}`) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(E.bool, simpleBody, fc.option(simpleBody), fc.option(fc.tuple(E.bool, simpleBody)))
      .map(
        ([c, a, b, elif]) =>
          `{{ if ${c} }}${a}${elif ? `{{ else if ${elif[0]} }}${elif[1]}` : ""}${b !== null ? `{{ else }}${b}` : ""}{{ end }}`,
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.oneof(E.list, E.dict, E.int, E.str),
        fc.constantFrom<[string, string[]]>(["$i, $v := ", ["$i", "$v"]], ["$v := ", ["$v"]], ["", []]),
        fc.option(simpleBody),
      )
      .chain(([l, [decl, vars], b]) =>
        body(...vars).map((a) => `{{ range ${decl}${l} }}${a}${b !== null ? `{{ else }}${b}` : ""}{{ end }}`),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(E.list, body("$i", "$v"))
      .map(([l, a]) => `{{ range $i, $v := ${l} }}{{ if eq $i 1 }}{{ break }}{{ end }}${a}{{ continue }}{{ end }}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(E.dict, E.str, E.list), simpleBody, fc.option(simpleBody))
      .map(([d, a, b]) => `{{ with ${d} }}${a}${b !== null ? `{{ else }}${b}` : ""}{{ end }}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(simpleBody, fc.oneof(E.dict, E.str, fc.constant(".")))
      .map(([b, arg]) => `{{ define "sub" }}${b}{{ end }}{{ template "sub" ${arg} }}|{{ template "sub" }}`),
  },
  { weight: 1, arbitrary: fc.tuple(simpleBody, anyExpr).map(([b, e]) => `{{ block "blk" ${e} }}${b}{{ end }}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "{{/* a comment */}}",
      "{{- /* trimmed */ -}}",
      "{{ .missing }}",
      "{{ .a.b }}",
      "{{ $.nope }}",
      '{{ get . "a" }}',
      '{{ hasKey . "a" }}',
      "{{ merge (dict) . }}",
      '{{ repeat (add 1 1) "x" }}',
      "{{ wrap (len .a) .b }}",
    ),
  },
  { weight: 1, arbitrary: text },
);

/** Breaks a template at random to compare parse errors: a cut, a stray delimiter, an unknown function. */
const broken = fc
  .tuple(
    fc.array(block, { minLength: 1, maxLength: 3 }),
    fc.nat(),
    fc.constantFrom("cut", "open", "close", "unknown", "end", "pipe"),
  )
  .map(([blocks, at, how]) => {
    const t = blocks.join("");
    let i = t.length === 0 ? 0 : at % t.length;
    // never between the halves of a surrogate pair: a lone surrogate is no Go string (JSON hands Go U+FFFD)
    if (/[\udc00-\udfff]/.test(t[i] ?? "") && /[\ud800-\udbff]/.test(t[i - 1] ?? "")) i--;
    switch (how) {
      case "cut":
        return t.slice(0, i);
      case "open":
        return `${t.slice(0, i)}{{${t.slice(i)}`;
      case "close":
        return `${t.slice(0, i)}}}${t.slice(i)}`;
      case "unknown":
        return `${t}{{ nosuchfunc .a }}`;
      case "end":
        return `${t}{{ end }}`;
      default:
        return `${t}{{ .a | }}`;
    }
  });

export const templateArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: fc.array(block, { minLength: 1, maxLength: 4 }).map((xs) => xs.join("")) },
  { weight: 1, arbitrary: broken },
);

// ---------------------------------------------------------------------------------------------------------------
// YAML: documents for fromYaml (well-formed and broken, in go-yaml v2's corners: YAML 1.1 scalars, Go number
// syntaxes, timestamps, tags, anchors, merge keys, block scalars, flow collections, directives, several documents,
// control characters, tabs) and values for toYaml (strings and keys that need quoting, folding or "? " keys).

/** Plain scalars go-yaml v2 resolves in its own way (bools, nulls, ints, floats, timestamps) or rejects. */
const YAML_PLAIN = [
  "x",
  "hello world",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "n",
  "~",
  "null",
  "NULL",
  "true",
  "False",
  "0x1F",
  "0X1f",
  "0o17",
  "017",
  "08",
  "0b101",
  "0b-101",
  "1_000",
  "-0",
  "+12",
  "1e3",
  "1.5e-7",
  "-1E+2",
  ".5",
  "5.",
  "-.5_0",
  "._1",
  ".",
  "-.inf",
  "+.INF",
  ".NaN",
  ".nan",
  "1e400",
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551615",
  "18446744073709551616",
  "-9223372036854775809",
  "190:20:30",
  "1:20",
  "12:30:45.5",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14T21:59:43Z",
  "2001-12-14 21:59:43.10",
  "2001-12-14 21:59:43.10 -5",
  "2001-02-30",
  "2004-02-29",
  "2001-1-2T3:4:5Z",
  "2001-13-01",
  "<<",
  "a:b",
  "a #b",
  "-x",
  "?x",
  ":x",
  "x:",
  "a,b",
  "[x",
  "@x",
  "`x`",
  "%x",
  "日本",
  "é ü",
  "a\tb",
  "1.2.3",
  "0.",
  "😀",
  "a  b",
  "x ",
] as const;

/** Pieces of double-quoted scalars: escapes valid and not, folded breaks, quotes. */
const YAML_DQ_PIECES = [
  "a",
  " ",
  "\\n",
  "\\t",
  "\\\t",
  "\\x41",
  "\\xe9",
  "\\u263A",
  "\\U0001F600",
  "\\ud800",
  "\\U00110000",
  "\\q",
  "\\/",
  "\\\\",
  '\\"',
  "'",
  "\\\n",
  "\\\n  x",
  "\n",
  "\n\n",
  "\n  ",
  "  ",
  "\\0",
  "\\e",
  "\\N",
  "\\_",
  "\\L",
  "\\P",
  "\\ ",
  "\\x4",
  "é",
  "#",
  ": ",
] as const;

const YAML_SQ_PIECES = ["a", " ", "''", '"', "\\", "\n", "\n\n", "\n  x", "  ", "#", ": ", "é"] as const;

/** Map keys whose string forms (after sigs.k8s.io/yaml's conversion) all differ, so no two can collide. */
const YAML_KEYS = [
  "a",
  "b",
  "key",
  "x y",
  "'sq'",
  '"dq"',
  '"é"',
  "1",
  "-2",
  "0x1F",
  "1.5",
  "3.14159265358979",
  "1e3",
  "1e10",
  "true",
  "no",
  "2001-01-01",
  ".inf",
  "-.inf",
  "日本",
  "'<<'",
  '"a\\nb"',
] as const;

/** At most one of these per document: a key go-yaml rejects, or sigs.k8s.io/yaml cannot turn into a string. */
const YAML_BAD_KEYS = ["~", "null", "", "18446744073709551615", "[a, b]", "{k: v}", "? [x]\n", "? {a: 1}\n"] as const;

const YAML_TAGS = [
  "!!str",
  "!!int",
  "!!float",
  "!!bool",
  "!!null",
  "!!binary",
  "!!timestamp",
  "!!merge",
  "!!seq",
  "!custom",
  "!",
  "!<tag:yaml.org,2002:str>",
  "!<!>",
  "!%41",
  "!e!x",
  "!!",
] as const;

const YAML_BLOCK_HEADERS = ["|", "|-", "|+", ">", ">-", ">+", "|2", "|1-", "|+2", "|0", "| # c", "|x", ">\t"] as const;
const YAML_BLOCK_LINES = ["a", "b c", "", " d", "  e", "\tf", "g ", "# not a comment", "h: i", "- j"] as const;

const yamlDoubleQuoted = fc.array(fc.constantFrom(...YAML_DQ_PIECES), { maxLength: 4 }).map((ps) => `"${ps.join("")}"`);
const yamlSingleQuoted = fc.array(fc.constantFrom(...YAML_SQ_PIECES), { maxLength: 4 }).map((ps) => `'${ps.join("")}'`);
const yamlScalar: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...YAML_PLAIN) },
  { weight: 2, arbitrary: yamlDoubleQuoted },
  { weight: 1, arbitrary: yamlSingleQuoted },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...YAML_TAGS), fc.oneof(fc.constantFrom(...YAML_PLAIN), yamlDoubleQuoted))
      .map(([t, s]) => `${t} ${s}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("!!binary aGVsbG8=", '!!binary "aGVs\\nbG8="', "!!binary /w==", "!!binary #"),
  },
  { weight: 1, arbitrary: fc.constantFrom("*a", "*b", "*nope", "&a x", "&b 1", "&a", "* a", "&") },
);

type YamlTree = { scalar: string } | { block: string } | { seq: YamlTree[] } | { map: [string, YamlTree][] };

const yamlBlockScalar = fc
  .tuple(fc.constantFrom(...YAML_BLOCK_HEADERS), fc.array(fc.constantFrom(...YAML_BLOCK_LINES), { maxLength: 4 }))
  .map(([h, lines]) => `${h}\n${lines.map((l) => (l === "" ? "" : `  ${l}`)).join("\n")}`);

const yamlTree: fc.Arbitrary<YamlTree> = fc.letrec<{ node: YamlTree }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: yamlScalar.map((scalar) => ({ scalar })) },
    { weight: 1, arbitrary: yamlBlockScalar.map((block) => ({ block })) },
    { weight: 2, arbitrary: fc.array(tie("node"), { maxLength: 3 }).map((seq) => ({ seq })) },
    {
      weight: 3,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              { weight: 8, arbitrary: fc.constantFrom(...YAML_KEYS) },
              { weight: 1, arbitrary: fc.constantFrom("<<", "&a a", "*a", "!!str 1", "? a", "?") },
            ),
            tie("node"),
          ),
          { maxLength: 4 },
        )
        .map((map) => ({ map })),
    },
  ),
})).node;

function yamlFlow(t: YamlTree): string {
  if ("scalar" in t) return t.scalar;
  if ("block" in t) return '"b"';
  if ("seq" in t) return `[${t.seq.map(yamlFlow).join(", ")}]`;
  return `{${t.map.map(([k, v]) => `${k}: ${yamlFlow(v)}`).join(", ")}}`;
}

/** Block style, with flow collections where `flow` picks them (a shared, cycled list of choices). */
function yamlBlock(t: YamlTree, indent: string, flow: () => boolean): string {
  if ("scalar" in t) return ` ${t.scalar}`;
  if ("block" in t) return ` ${t.block.replace(/\n/g, `\n${indent}`)}`;
  if ("seq" in t) {
    if (t.seq.length === 0 || flow()) return ` ${yamlFlow(t)}`;
    return t.seq.map((x) => `\n${indent}-${yamlBlock(x, `${indent}  `, flow)}`).join("");
  }
  if (t.map.length === 0 || flow()) return ` ${yamlFlow(t)}`;
  return t.map.map(([k, v]) => `\n${indent}${k}:${yamlBlock(v, `${indent}  `, flow)}`).join("");
}

const YAML_MUTATIONS = [
  "\t",
  " ",
  "'",
  '"',
  "[",
  "]",
  "{",
  "}",
  ":",
  ": ",
  "- ",
  "? ",
  "#",
  "&",
  "*",
  "!",
  "%",
  "|",
  ">",
  "\n",
  "\n  ",
  "\x01",
  "\x7f",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\r",
  "\r\n",
  "---\n",
  "...\n",
  "\\",
  ",",
] as const;

/** A document, possibly broken: an insertion, a deletion or a cut somewhere. */
const yamlDocument: fc.Arbitrary<string> = fc
  .tuple(
    yamlTree,
    fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    fc.option(fc.tuple(fc.constantFrom(...YAML_BAD_KEYS), fc.nat())),
    fc.constantFrom(
      "",
      "",
      "",
      "---\n",
      "--- ",
      "%YAML 1.1\n---\n",
      "%YAML 1.2\n---\n",
      "%TAG !e! tag:e.com:\n---\n",
      "# c\n",
      "\ufeff",
      "  ",
    ),
    fc.constantFrom("", "", "", "\n", "\n...\n", "\n---\nz: [\n", "\n--- x\n", "\n# end"),
    fc.option(fc.tuple(fc.constantFrom(...YAML_MUTATIONS), fc.nat(), fc.constantFrom("insert", "delete", "cut")), {
      freq: 2,
    }),
    fc.constantFrom("", "", "", "base: &a {k: v, n: 1}\nlist: &b [x]\n", "<<: {m: 1}\n", "<<: [*a]\n"),
  )
  .map(([tree, flows, bad, prefix, suffix, mutation, lead]) => {
    let i = 0;
    const flow = () => flows[i++ % flows.length]!;
    let body = yamlBlock(tree, "", flow).replace(/^[ \n]/, "");
    if (bad) {
      const lines = body.split("\n");
      const at = bad[1] % (lines.length + 1);
      const entry = bad[0].startsWith("?") ? `${bad[0]}: bad` : `${bad[0]}: bad`;
      lines.splice(at, 0, entry);
      body = lines.join("\n");
    }
    let doc = `${prefix}${lead}${body}${suffix}`;
    if (mutation) {
      const [text, n, how] = mutation;
      const at = doc.length === 0 ? 0 : n % doc.length;
      if (how === "insert") doc = doc.slice(0, at) + text + doc.slice(at);
      else if (how === "delete") doc = doc.slice(0, at) + doc.slice(at + 1);
      else doc = doc.slice(0, at);
    }
    return doc;
  });

/** Documents past go-yaml's 512-byte read chunks, with something to trip over late. */
const yamlLongDocument = fc
  .tuple(
    fc.integer({ min: 10, max: 60 }),
    fc.constantFrom("\x01", "\x7f", "[", "'", "\t", "x", ": :", "\ufeff"),
    fc.nat(),
  )
  .map(([n, late, at]) => {
    const lines = Array.from({ length: n }, (_, i) => `key${i}: value number ${i} ${"pad ".repeat(i % 5)}`);
    lines.splice(at % (n + 1), 0, `late: a${late}b`);
    return lines.join("\n");
  });

/** Character soup over YAML's indicators, breaks and blanks: the scanner's corners, mostly rejected. */
const yamlSoup = fc
  .array(
    fc.constantFrom(
      ..."::--??[]{},#&*!|>'\"%@`\\~.0a1bx".split(""),
      " ",
      "  ",
      "\n",
      "\n  ",
      "\t",
      "\r\n",
      "---",
      "...",
      "- ",
      ": ",
      "? ",
      "&a ",
      "*a",
      "!!str ",
      "<<: ",
      "é",
      "\u2028",
      "\u0085",
    ),
    { maxLength: 30 },
  )
  .map((xs) => xs.join(""));

const FROM_YAML_TEMPLATES = [
  "{{ fromYaml .y | toJson }}",
  "{{ fromYaml .y }}",
  "{{ fromYaml .y | toYaml }}",
  '{{ range $k, $v := fromYaml .y }}{{ $k }}={{ printf "%T %v" $v $v }};{{ end }}',
  // a byte that is not UTF-8 after the document; a UTF-8 byte order mark before it
  '{{ fromYaml (print .y (b64dec "/w==")) | toJson }}',
  '{{ fromYaml (print (b64dec "77u/") .y) | toJson }}',
] as const;

/** Strings for toYaml: YAML words, indicators, spaces and breaks where they matter, Unicode, control characters. */
const TO_YAML_PIECES = [
  "a",
  "word",
  " ",
  "  ",
  "\n",
  "\n\n",
  "\r\n",
  "\r",
  "\t",
  "#",
  " #",
  ":",
  ": ",
  "-",
  "- ",
  "?",
  "'",
  '"',
  "\\",
  "|",
  ">",
  "%",
  "@",
  "`",
  "{",
  "}",
  "[",
  "]",
  ",",
  "&",
  "*",
  "!",
  "yes",
  "no",
  "~",
  "null",
  "1",
  "0x1F",
  "1e3",
  "1_0",
  "2001-01-01",
  "1:20",
  ".inf",
  "<<",
  "---",
  "...",
  "é",
  "日本語",
  "🙂",
  "\u0085",
  "\u2028",
  "\u00a0",
  "\ufeff",
  "\ufffe",
  "\x00",
  "\x07",
  "\x1b",
  "\x7f",
  "\x80",
] as const;

const toYamlString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...TO_YAML_PIECES), { maxLength: 6 }).map((ps) => ps.join("")) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.array(fc.constantFrom("word", "a", "longer-word", "x:", "#y", "  ", "é", "'q'", '"dq"'), {
          minLength: 10,
          maxLength: 40,
        }),
        fc.constantFrom("", "\n", "\n\n", " "),
      )
      .map(([ws, end]) => ws.join(" ") + end),
  },
  { weight: 1, arbitrary: fc.constantFrom("k".repeat(129), "é".repeat(43), "🙂".repeat(33), "x".repeat(1023)) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
);

/** JSON for fromJson | toYaml: numbers Go spells its own way, nesting, empty collections, tricky strings. */
const toYamlJson: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "1e21",
        "-0",
        "1.5e-7",
        "100000000000000000000",
        "18446744073709551615",
        "9223372036854775807",
        "0.1",
        "123456789",
        "1234567.5",
        "true",
        "null",
        "[]",
        "{}",
      ),
    },
    { weight: 3, arbitrary: toYamlString.map((s) => JSON.stringify(s)) },
    { weight: 2, arbitrary: fc.array(tie("v"), { maxLength: 3 }).map((xs) => `[${xs.join(",")}]`) },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(fc.tuple(toYamlString, tie("v")), { maxLength: 3, selector: ([k]) => k })
        .map((kvs) => `{${kvs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
    },
  ),
})).v;

const TO_YAML_TEMPLATES = [
  "{{ toYaml .s }}",
  "{{ toYaml (dict .k .s) }}",
  '{{ toYaml (dict "a" (list .s .k) "b" (dict .k .s)) }}',
  "{{ toYaml (list (dict .k (dict .s 1)) .s) }}",
  "{{ toYaml (fromJson .j) }}",
  '{{ toYaml (dict "v" .s) | fromYaml | toJson }}',
  "{{ toYaml (dict .k .s .s .k) }}",
] as const;

/** Templates (with their data) that exercise fromYaml and toYaml. */
export const yamlCaseArb: fc.Arbitrary<[string, Record<string, string>]> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...FROM_YAML_TEMPLATES),
        fc.oneof({ weight: 6, arbitrary: yamlDocument }, yamlLongDocument, { weight: 2, arbitrary: yamlSoup }),
      )
      .map(([t, y]): [string, Record<string, string>] => [t, { y }]),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...TO_YAML_TEMPLATES), toYamlString, toYamlString, toYamlJson)
      .map(([t, s, k, j]): [string, Record<string, string>] => [t, { s, k, j }]),
  },
);
