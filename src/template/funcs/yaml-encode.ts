/**
 * go-yaml v2's encoder (encode.go) for what toYaml hands it, a value read from JSON: the events it emits, with map
 * keys in its order (sorter.go) and the scalar style it asks for (plain, or double quotes for a string go-yaml
 * would read back as something else, or a literal block for multi-line text).
 */
import { runDeep } from "./yaml-deep.js";
import { Emitter, type YamlEvent } from "./yaml-emitter.js";
import { isBase60Float, resolve, TAG } from "./yaml-resolve.js";
import { Style } from "./yaml-scanner.js";
import { goFloatText, YamlMap, type YamlValue } from "./yaml-values.js";

type ScalarStyle = (typeof Style)[keyof typeof Style];

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** A map key prepared for go-yaml's comparison: its runes, and which are letters and decimal digits. */
interface SortKey {
  key: string;
  runes: number[];
  letter: boolean[];
  digit: boolean[];
}

function isAsciiLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

function sortKey(key: string): SortKey {
  const runes: number[] = [];
  const letter: boolean[] = [];
  const digit: boolean[] = [];
  for (const ch of key) {
    const c = ch.codePointAt(0)!;
    runes.push(c);
    letter.push(c < 0x80 ? isAsciiLetter(c) : LETTER.test(ch));
    digit.push(c < 0x80 ? c >= 0x30 && c <= 0x39 : DIGIT.test(ch));
  }
  return { key, runes, letter, digit };
}

/**
 * The number go-yaml reads from a run of digits: int64 arithmetic on rune - '0' (wrapping), after `start` (1 when
 * a non-zero digit precedes the run). Plain numbers while that is exact.
 */
function digitRun(runes: number[], from: number, to: number, start: number): number | bigint {
  let ascii = to - from <= 15;
  for (let i = from; ascii && i < to; i++) ascii = runes[i]! <= 0x39;
  if (ascii) {
    let n = start;
    for (let i = from; i < to; i++) n = n * 10 + (runes[i]! - 0x30);
    return n;
  }
  let n = BigInt(start);
  for (let i = from; i < to; i++) n = BigInt.asIntN(64, n * 10n + BigInt(runes[i]! - 0x30));
  return n;
}

/** go-yaml's keyList.Less for two string keys: letters after other characters, digit runs compared as numbers. */
function keyLess(x: SortKey, y: SortKey): boolean {
  const a = x.runes;
  const b = y.runes;
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] === b[i]) continue;
    const al = x.letter[i]!;
    const bl = y.letter[i]!;
    if (al && bl) return a[i]! < b[i]!;
    if (al || bl) return bl;
    let start = 0;
    if (a[i] === 0x30 || b[i] === 0x30) {
      for (let j = i - 1; j >= 0 && x.digit[j]; j--) {
        if (a[j] !== 0x30) {
          start = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    while (ai < a.length && x.digit[ai]) ai++;
    while (bi < b.length && y.digit[bi]) bi++;
    let an = digitRun(a, i, ai, start);
    let bn = digitRun(b, i, bi, start);
    if (typeof an !== typeof bn) [an, bn] = [BigInt(an), BigInt(bn)];
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return a[i]! < b[i]!;
  }
  return a.length < b.length;
}

function isCollection(x: YamlValue): x is YamlValue[] | YamlMap {
  return Array.isArray(x) || x instanceof YamlMap;
}

/** The events yaml.Marshal emits for a value decoded from JSON (string keys only). */
/** The scalar event go-yaml's encoder emits for a value: its text, and the style it asks the emitter for. */
function scalarEvent(x: Exclude<YamlValue, YamlValue[] | YamlMap>): YamlEvent {
  let value: string;
  let style: ScalarStyle = Style.Plain;
  if (x === null) value = "null";
  else if (typeof x === "boolean") value = String(x);
  else if (typeof x === "number") {
    const text = goFloatText(x);
    value = text === "+Inf" ? ".inf" : text === "-Inf" ? "-.inf" : text === "NaN" ? ".nan" : text;
  } else if (typeof x === "string") {
    value = x;
    const [rtag] = resolve("", x);
    if (x.includes("\n")) style = Style.Literal;
    else if (rtag !== TAG.str || isBase60Float(x)) style = Style.Double;
  } else {
    value = x.value.toString();
  }
  return { type: "scalar", value, style };
}

function marshalEvents(v: YamlValue): YamlEvent[] {
  const events: YamlEvent[] = [{ type: "stream-start" }, { type: "document-start" }];
  function* marshal(x: YamlValue): Generator<YamlValue, void, void> {
    if (!isCollection(x)) {
      events.push(scalarEvent(x));
      return;
    }
    if (Array.isArray(x)) {
      events.push({ type: "sequence-start" });
      for (const item of x) {
        if (isCollection(item)) yield item;
        else events.push(scalarEvent(item));
      }
      events.push({ type: "sequence-end" });
      return;
    }
    events.push({ type: "mapping-start" });
    const entries = [...x]
      .map(([k, item]) => [sortKey(String(k)), item] as const)
      .sort(([a], [b]) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
    for (const [k, item] of entries) {
      events.push(scalarEvent(k.key));
      if (isCollection(item)) yield item;
      else events.push(scalarEvent(item));
    }
    events.push({ type: "mapping-end" });
  }
  runDeep(marshal, v);
  events.push({ type: "document-end" }, { type: "stream-end" });
  return events;
}

/** yaml.Marshal of a value decoded from JSON text. */
export function marshalYaml(v: YamlValue): string {
  return new Emitter(marshalEvents(v)).run();
}
