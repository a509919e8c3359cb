/**
 * Generated Go regular expressions for the oracle comparison (classes, Perl and POSIX classes, Unicode classes,
 * flags, greedy and lazy repetition, alternation, anchors, named groups), a share of them malformed to compare
 * Go's error messages, with inputs, replacement templates and counts.
 */
import fc from "fast-check";

const ALPHABET = ["a", "b", "A", "B", "0", "7", " ", "\n", ".", "-", "_", "é", "Ω", "日", "🙂", "x", "\t", "$", "("];

const literal = fc.constantFrom(
  "a",
  "b",
  "ab",
  "A",
  "0",
  "é",
  "日",
  "🙂",
  "\\.",
  "\\$",
  "\\(",
  "\\\\",
  "\\x41",
  "\\x{65e5}",
  "\\n",
  "\\t",
  " ",
  "-",
  "\\Q.$\\E",
);
const klass = fc.constantFrom(
  "[a-z]",
  "[^a-z]",
  "[abA-B0-9]",
  "[[:alpha:]]",
  "[[:^digit:]]",
  "[[:space:]x]",
  "[\\d.]",
  "[^\\s]",
  "[é-日]",
  "\\d",
  "\\D",
  "\\w",
  "\\W",
  "\\s",
  "\\S",
  "\\pL",
  "\\p{Lu}",
  "\\PL",
  "\\p{Greek}",
  "\\p{Han}",
  "\\pN",
  "\\p{^L}",
  ".",
  "[.]",
  "[]a]",
  "[^\\n]",
  "[\\x{1F600}-\\x{1F64F}]",
  "[a-b-]",
);
const anchor = fc.constantFrom("^", "$", "\\A", "\\z", "\\b", "\\B");
const flags = fc.constantFrom("(?i)", "(?s)", "(?m)", "(?U)", "(?is)", "(?-i)", "(?i:", "(?sm-U:");
const rep = fc.constantFrom("*", "+", "?", "*?", "+?", "??", "{2}", "{1,}", "{0,2}", "{1,3}?", "{0}");

const atom: fc.Arbitrary<string> = fc.letrec<{ re: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { weight: 4, arbitrary: literal },
    { weight: 3, arbitrary: klass },
    { weight: 1, arbitrary: anchor },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie("atom"), rep)
        .map(([a, r]) => `${a.startsWith("(") || a.length === 1 ? a : `(?:${a})`}${r}`),
    },
    { weight: 2, arbitrary: tie("re").map((r) => `(${r})`) },
    { weight: 1, arbitrary: tie("re").map((r) => `(?:${r})`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom("x", "n", "first", "x"), tie("re")).map(([n, r]) => `(?P<${n}>${r})`),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("y", "n"), tie("re")).map(([n, r]) => `(?<${n}>${r})`) },
    { weight: 1, arbitrary: fc.tuple(flags, tie("re")).map(([f, r]) => (f.endsWith(":") ? `${f}${r})` : `${f}${r}`)) },
  ),
  re: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.array(tie("atom"), { minLength: 1, maxLength: 3 }).map((xs) => xs.join("")),
    fc.tuple(tie("atom"), tie("atom")).map(([a, b]) => `${a}|${b}`),
  ),
})).re;

/** Go rejects these (or some of them: RE2 syntax differs from Perl's): each gets Go's error message or not. */
const malformed = fc.constantFrom(
  "(",
  ")",
  "a)",
  "[a",
  "[z-a]",
  "a**",
  "a{2}{3}",
  "x{1001}",
  "x{2,1}",
  "\\8",
  "\\C",
  "(?P<>a)",
  "(?P<a-b>x)",
  "(?z)",
  "(?i",
  "\\p{Nope}",
  "[[:foo:]]",
  "\\",
  "a\\",
  "(?<n>a)(?<n>b)",
  "*a",
  "+",
  "??",
  "(?=a)",
  "(?!a)",
  "\\1",
  "[]",
  "(?P=n)",
  "a{,3}",
  "\\Z",
  "\\x{110000}",
  "\\pZ{",
  "(?P<n>",
  "a|*",
  "(*)",
  "x{1000}{1000}",
  "[\\d-z]",
  "\\Q",
);

const input = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 16 }).map((xs) => xs.join(""));
const repl = fc.constantFrom(
  "",
  "X",
  "$1",
  "${1}",
  "$0",
  "$$",
  "${x}",
  "$x",
  "$1x",
  "${1}x",
  "<$n>",
  "$",
  "${",
  "$2$1",
  "${first}",
);

export interface RegexpCase {
  expr: string;
  input: string;
  repl: string;
  n: number;
}

export const regexpCaseArb: fc.Arbitrary<RegexpCase> = fc.record({
  expr: fc.oneof({ weight: 9, arbitrary: atom }, { weight: 1, arbitrary: malformed }),
  input,
  repl,
  n: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) }),
});
