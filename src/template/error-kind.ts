/**
 * What a failing function call may tell status, events and logs when its arguments are computed (and so may be
 * a secret in any transformed form: upper-cased, base64-encoded, split, trimmed...). Redacting every form of every
 * value cannot be guaranteed, so the argument text is withheld entirely: the detail keeps the package prefix and
 * the fixed phrases of Go's and Sprig's error kinds it contains, and nothing else.
 */

const WITHHELD = "[arguments withheld]";

const PREFIX =
  /^(?:strconv\.(?:Atoi|ParseInt|ParseUint|ParseFloat|ParseBool)|time|x509|asn1|pkcs12|json|strings|encoding\/hex|crypto\/rsa): /;

const TYPE = String.raw`[\w.*\[\]{} ]+`;

/** Fixed phrases of error kinds; a phrase carries no argument text (type names and positions at most). */
const KINDS: RegExp[] = [
  /invalid syntax/,
  /error parsing regexp: (?:missing closing [)\]]|missing argument to repetition operator|unexpected \)|trailing backslash at end of expression|expression too large|expression nests too deeply|invalid (?:nested repetition operator|escape sequence|character class range|character class|repeat count|named capture|or unsupported Perl syntax|UTF-8))/,
  /value out of range/,
  /illegal (?:base64|base32) data at input byte \d+/,
  /unexpected end of JSON input/,
  /invalid character/,
  /looking for beginning of (?:value|object key string)/,
  /after (?:top-level value|object key|object key:value pair|array element)/,
  /in string (?:literal|escape code)/,
  new RegExp(`cannot unmarshal \\w+ into Go value of type ${TYPE}`),
  /parsing time/,
  /cannot parse/,
  /(?:month|day|hour|minute|second|year) out of range/,
  /extra text/,
  /invalid duration/,
  /missing unit in duration/,
  /unknown unit/,
  /malformed certificate/,
  /odd length hex string/,
  /invalid byte/,
  new RegExp(`wrong type for value; expected ${TYPE}; got ${TYPE}`),
  /wrong number of args: got \d+ want (?:at least )?\d+/,
  /index out of range/,
  /integer divide by zero/,
  /decimal division by 0/,
  /invalid URL escape/,
  /invalid port/,
  /missing '\]' in host/,
  /improper constraint/,
  /Invalid Semantic Version/,
  /no PEM data in input/,
  /failed to decode PEM block/,
  /found junk/,
  /decryption password incorrect/,
  /decryption error/,
  /error parsing (?:ip|certificate|private key)/,
  /could not parse (?:RSA )?private key/,
  /unable to decode (?:base64 )?(?:certificate|private key|pkcs12)/,
  /failed to parse (?:certificate|key)/,
  /invalid JWK/,
  /is not supported/,
  /interface conversion: interface \{\} is \w+, not string/,
  /list should be type of slice or array but \w+/,
  /Cannot \w+ on type \w+/,
  /negative Repeat count/,
  /Repeat output length overflow/,
  /exceeds the template limit of \d+ (?:bytes|elements)/,
];

/** The error kind of a function error whose arguments may be secret (see the module comment). */
export function callErrorKind(detail: string): string {
  const prefix = PREFIX.exec(detail)?.[0] ?? "";
  const found: { at: number; text: string }[] = [];
  for (const kind of KINDS) {
    const m = kind.exec(detail);
    if (m && !found.some((f) => f.text === m[0])) found.push({ at: m.index, text: m[0] });
  }
  if (found.length === 0) return `${prefix}${WITHHELD}`;
  const phrases = found.sort((a, b) => a.at - b.at).map((f) => f.text);
  const kept = `${prefix}${phrases.join(": ")}`;
  return kept === detail ? kept : `${kept} ${WITHHELD}`;
}
