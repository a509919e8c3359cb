/**
 * go-yaml v2's scanner (a port of libyaml's scanner.c, as sigs.k8s.io/yaml v1.4.0 vendors it): characters →
 * tokens, with its simple-key bookkeeping, indentation stack, limits and error wording, so that fromYaml accepts,
 * rejects and reports exactly what ESO's fromYaml does. Linear in the input: every loop consumes a character or
 * stops, simple keys are looked for at most 1,024 characters back, and nesting is capped at 10,000 levels.
 */
import { bytesToGoString } from "./bytes.js";
import { YamlReader } from "./yaml-reader.js";

export interface Mark {
  index: number;
  line: number;
  column: number;
}

export const Tok = {
  StreamStart: 1,
  StreamEnd: 2,
  VersionDirective: 3,
  TagDirective: 4,
  DocumentStart: 5,
  DocumentEnd: 6,
  BlockSequenceStart: 7,
  BlockMappingStart: 8,
  BlockEnd: 9,
  FlowSequenceStart: 10,
  FlowSequenceEnd: 11,
  FlowMappingStart: 12,
  FlowMappingEnd: 13,
  BlockEntry: 14,
  FlowEntry: 15,
  Key: 16,
  Value: 17,
  Alias: 18,
  Anchor: 19,
  Tag: 20,
  Scalar: 21,
} as const;
export type TokType = (typeof Tok)[keyof typeof Tok];

export const Style = { Plain: 1, Single: 2, Double: 3, Literal: 4, Folded: 5 } as const;
export type ScalarStyle = (typeof Style)[keyof typeof Style];

export interface Token {
  type: TokType;
  start: Mark;
  end: Mark;
  /** Scalar text, anchor or alias name, tag handle or %TAG handle. */
  value: string;
  /** Tag suffix or %TAG prefix. */
  suffix: string;
  style: ScalarStyle;
  major: number;
  minor: number;
}

/** A scanner failure, reported by go-yaml as "line N: problem" (see YamlParser). */
export class YamlScannerError extends Error {
  constructor(
    readonly contextMark: Mark,
    readonly problem: string,
    readonly problemMark: Mark,
  ) {
    super(problem);
  }
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;

const SP = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function isBreak(c: number): boolean {
  return c === CR || c === LF || c === 0x85 || c === 0x2028 || c === 0x2029;
}
function isBreakz(c: number): boolean {
  return c === 0 || isBreak(c);
}
function isBlank(c: number): boolean {
  return c === SP || c === TAB;
}
function isBlankz(c: number): boolean {
  return c === SP || c === TAB || c === 0 || isBreak(c);
}
function isAlpha(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function asHex(c: number): number {
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return c - 0x30;
}
/** The UTF-8 width libyaml gives a leading octet (0: not a leading octet). */
function octetWidth(b: number): number {
  if ((b & 0x80) === 0) return 1;
  if ((b & 0xe0) === 0xc0) return 2;
  if ((b & 0xf0) === 0xe0) return 3;
  if ((b & 0xf8) === 0xf0) return 4;
  return 0;
}

const ch = (s: string) => s.charCodeAt(0);
const C = {
  hash: ch("#"),
  pct: ch("%"),
  dash: ch("-"),
  dot: ch("."),
  lbrack: ch("["),
  rbrack: ch("]"),
  lbrace: ch("{"),
  rbrace: ch("}"),
  comma: ch(","),
  question: ch("?"),
  colon: ch(":"),
  star: ch("*"),
  amp: ch("&"),
  bang: ch("!"),
  pipe: ch("|"),
  gt: ch(">"),
  lt: ch("<"),
  squote: ch("'"),
  dquote: ch('"'),
  at: ch("@"),
  backtick: ch("`"),
  backslash: ch("\\"),
  plus: ch("+"),
  zero: ch("0"),
};

/** Characters that cannot start a plain scalar (besides blanks). */
const INDICATORS = new Set(Array.from("-?:,[]{}#&*!|>'\"%@`", ch));
/** Characters a tag URI may hold besides alphanumerics ('%' starts an escape). */
const URI_CHARS = new Set(Array.from(";/?:@&=+$,.!~*'()[]%", ch));
/** Characters that may follow an anchor or alias name. */
const AFTER_ANCHOR = new Set(Array.from("?:,]}%@`", ch));

function utf8Bytes(cp: number, out: number[]): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

export class YamlScanner {
  private readonly r: YamlReader;
  private pos = 0;
  private line = 0;
  private column = 0;
  private readonly tokens: Token[] = [];
  private head = 0;
  tokensParsed = 0;
  private tokenAvailable = false;
  private streamStartProduced = false;
  streamEndProduced = false;
  private indent = -1;
  private readonly indents: number[] = [];
  private flowLevel = 0;
  private simpleKeyAllowed = false;
  private readonly simpleKeys: SimpleKey[] = [];
  private simpleKeysByTok = new Map<number, number>();

  constructor(input: Uint8Array) {
    this.r = new YamlReader(input);
  }

  /** The next token, scanning as far as libyaml does to know it (peek_token). */
  peek(): Token {
    if (!this.tokenAvailable) this.fetchMoreTokens();
    return this.tokens[this.head]!;
  }

  /** Consumes the peeked token (skip_token). */
  skip(): void {
    this.tokenAvailable = false;
    this.tokensParsed++;
    this.streamEndProduced = this.tokens[this.head]!.type === Tok.StreamEnd;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.tokens.length) {
      this.tokens.splice(0, this.head);
      this.head = 0;
    }
  }

  // ---------------------------------------------------------------- characters

  /** The character k places ahead (0 past what is decoded: only looked at where libyaml has it cached). */
  private c(k = 0): number {
    const i = this.pos + k;
    return i < this.r.length ? this.r.chars[i]! : 0;
  }

  private cache(n: number): void {
    if (this.r.length - this.pos < n) this.r.update(this.pos, n);
  }

  private mark(): Mark {
    return { index: this.pos, line: this.line, column: this.column };
  }

  private skipChar(): void {
    this.pos++;
    this.column++;
  }

  private skipLine(): void {
    if (this.c() === CR && this.c(1) === LF) {
      this.pos += 2;
      this.column = 0;
      this.line++;
    } else if (isBreak(this.c())) {
      this.pos++;
      this.column = 0;
      this.line++;
    }
  }

  /** The characters from `from` to `to` as a string. */
  private text(from: number, to: number): string {
    let out = "";
    for (let i = from; i < to; i += 4096) {
      out += String.fromCodePoint.apply(null, this.r.chars.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
    }
    return out;
  }

  private read(): string {
    const s = String.fromCodePoint(this.c());
    this.pos++;
    this.column++;
    return s;
  }

  /** Reads a line break, normalised to "\n" except LS and PS (read_line). */
  private readLine(): string {
    const c = this.c();
    let s: string;
    if (c === CR && this.c(1) === LF) {
      s = "\n";
      this.pos += 2;
    } else if (c === CR || c === LF || c === 0x85) {
      s = "\n";
      this.pos++;
    } else if (c === 0x2028 || c === 0x2029) {
      s = String.fromCharCode(c);
      this.pos++;
    } else {
      return "";
    }
    this.column = 0;
    this.line++;
    return s;
  }

  /** libyaml also records a context ("while scanning a ..."), which go-yaml never shows. */
  private error(contextMark: Mark, problem: string): never {
    throw new YamlScannerError(contextMark, problem, this.mark());
  }

  // ---------------------------------------------------------------- token queue

  private insertToken(pos: number, token: Token): void {
    if (pos < 0) this.tokens.push(token);
    else this.tokens.splice(this.head + pos, 0, token);
  }

  private token(type: TokType, start: Mark, end: Mark, value = ""): Token {
    return { type, start, end, value, suffix: "", style: Style.Plain, major: 0, minor: 0 };
  }

  private fetchMoreTokens(): void {
    for (;;) {
      if (this.head !== this.tokens.length) {
        const idx = this.simpleKeysByTok.get(this.tokensParsed);
        if (idx === undefined) break;
        if (!this.simpleKeyIsValid(this.simpleKeys[idx]!)) break;
      }
      this.fetchNextToken();
    }
    this.tokenAvailable = true;
  }

  private fetchNextToken(): void {
    this.cache(1);
    if (!this.streamStartProduced) {
      this.fetchStreamStart();
      return;
    }
    this.scanToNextToken();
    this.unrollIndent(this.column);
    this.cache(4);
    this.fetchToken();
  }

  /** "---" or "..." at the start of a line, followed by a blank or the end. */
  private atDocumentIndicator(x: number): boolean {
    return this.column === 0 && this.c() === x && this.c(1) === x && this.c(2) === x && isBlankz(this.c(3));
  }

  /** Fetches the token that starts at the current character. */
  private fetchToken(): void {
    const c = this.c();
    const blankzNext = isBlankz(this.c(1));
    const atColumn0 = this.column === 0;
    if (c === 0) this.fetchStreamEnd();
    else if (atColumn0 && c === C.pct) this.fetchDirective();
    else if (this.atDocumentIndicator(C.dash)) this.fetchDocumentIndicator(Tok.DocumentStart);
    else if (this.atDocumentIndicator(C.dot)) this.fetchDocumentIndicator(Tok.DocumentEnd);
    else if (c === C.lbrack) this.fetchFlowCollectionStart(Tok.FlowSequenceStart);
    else if (c === C.lbrace) this.fetchFlowCollectionStart(Tok.FlowMappingStart);
    else if (c === C.rbrack) this.fetchFlowCollectionEnd(Tok.FlowSequenceEnd);
    else if (c === C.rbrace) this.fetchFlowCollectionEnd(Tok.FlowMappingEnd);
    else if (c === C.comma) this.fetchFlowEntry();
    else if (c === C.dash && blankzNext) this.fetchBlockEntry();
    else if (c === C.question && (this.flowLevel > 0 || blankzNext)) this.fetchKey();
    else if (c === C.colon && (this.flowLevel > 0 || blankzNext)) this.fetchValue();
    else if (c === C.star) this.fetchAnchor(Tok.Alias);
    else if (c === C.amp) this.fetchAnchor(Tok.Anchor);
    else if (c === C.bang) this.fetchTag();
    else if (c === C.pipe && this.flowLevel === 0) this.fetchBlockScalar(true);
    else if (c === C.gt && this.flowLevel === 0) this.fetchBlockScalar(false);
    else if (c === C.squote) this.fetchFlowScalar(true);
    else if (c === C.dquote) this.fetchFlowScalar(false);
    else if (
      !(isBlankz(c) || INDICATORS.has(c)) ||
      (c === C.dash && !isBlank(this.c(1))) ||
      (this.flowLevel === 0 && (c === C.question || c === C.colon) && !blankzNext)
    ) {
      this.fetchPlainScalar();
    } else {
      this.error(this.mark(), "found character that cannot start any token");
    }
  }

  // ---------------------------------------------------------------- simple keys and indentation

  private simpleKeyIsValid(key: SimpleKey): boolean {
    if (!key.possible) return false;
    if (key.mark.line < this.line || key.mark.index + 1024 < this.pos) {
      if (key.required) this.error(key.mark, "could not find expected ':'");
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.column;
    if (this.simpleKeyAllowed) {
      const key: SimpleKey = {
        possible: true,
        required,
        tokenNumber: this.tokensParsed + (this.tokens.length - this.head),
        mark: this.mark(),
      };
      this.removeSimpleKey();
      this.simpleKeys[this.simpleKeys.length - 1] = key;
      this.simpleKeysByTok.set(key.tokenNumber, this.simpleKeys.length - 1);
    }
  }

  private removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (key.possible) {
      if (key.required) this.error(key.mark, "could not find expected ':'");
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
    }
  }

  private increaseFlowLevel(): void {
    this.simpleKeys.push({
      possible: false,
      required: false,
      tokenNumber: this.tokensParsed + (this.tokens.length - this.head),
      mark: this.mark(),
    });
    this.flowLevel++;
    if (this.flowLevel > MAX_FLOW_LEVEL) {
      this.error(this.simpleKeys[this.simpleKeys.length - 1]!.mark, `exceeded max depth of ${MAX_FLOW_LEVEL}`);
    }
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const key = this.simpleKeys.pop()!;
      this.simpleKeysByTok.delete(key.tokenNumber);
    }
  }

  private rollIndent(column: number, number: number, type: TokType, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      if (this.indents.length > MAX_INDENTS) {
        this.error(this.simpleKeys[this.simpleKeys.length - 1]!.mark, `exceeded max depth of ${MAX_INDENTS}`);
      }
      this.insertToken(number > -1 ? number - this.tokensParsed : number, this.token(type, mark, mark));
    }
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      const m = this.mark();
      this.insertToken(-1, this.token(Tok.BlockEnd, m, m));
      this.indent = this.indents.pop()!;
    }
  }

  // ---------------------------------------------------------------- fetchers

  private fetchStreamStart(): void {
    this.indent = -1;
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: { index: 0, line: 0, column: 0 } });
    this.simpleKeysByTok = new Map();
    this.simpleKeyAllowed = true;
    this.streamStartProduced = true;
    const m = this.mark();
    this.insertToken(-1, this.token(Tok.StreamStart, m, m));
  }

  private fetchStreamEnd(): void {
    if (this.column !== 0) {
      this.column = 0;
      this.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const m = this.mark();
    this.insertToken(-1, this.token(Tok.StreamEnd, m, m));
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(type: TokType): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.mark();
    this.skipChar();
    this.skipChar();
    this.skipChar();
    this.insertToken(-1, this.token(type, start, this.mark()));
  }

  private fetchFlowCollectionStart(type: TokType): void {
    this.saveSimpleKey();
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    const start = this.mark();
    this.skipChar();
    this.insertToken(-1, this.token(type, start, this.mark()));
  }

  private fetchFlowCollectionEnd(type: TokType): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    const start = this.mark();
    this.skipChar();
    this.insertToken(-1, this.token(type, start, this.mark()));
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.mark();
    this.skipChar();
    this.insertToken(-1, this.token(Tok.FlowEntry, start, this.mark()));
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) {
        this.error(this.mark(), "block sequence entries are not allowed in this context");
      }
      this.rollIndent(this.column, -1, Tok.BlockSequenceStart, this.mark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.mark();
    this.skipChar();
    this.insertToken(-1, this.token(Tok.BlockEntry, start, this.mark()));
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.error(this.mark(), "mapping keys are not allowed in this context");
      this.rollIndent(this.column, -1, Tok.BlockMappingStart, this.mark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    const start = this.mark();
    this.skipChar();
    this.insertToken(-1, this.token(Tok.Key, start, this.mark()));
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (this.simpleKeyIsValid(key)) {
      this.insertToken(key.tokenNumber - this.tokensParsed, this.token(Tok.Key, key.mark, key.mark));
      this.rollIndent(key.mark.column, key.tokenNumber, Tok.BlockMappingStart, key.mark);
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.error(this.mark(), "mapping values are not allowed in this context");
        this.rollIndent(this.column, -1, Tok.BlockMappingStart, this.mark());
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    const start = this.mark();
    this.skipChar();
    this.insertToken(-1, this.token(Tok.Value, start, this.mark()));
  }

  private fetchAnchor(type: TokType): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanAnchor(type));
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanTag());
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.insertToken(-1, this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanFlowScalar(single));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanPlainScalar());
  }

  // ---------------------------------------------------------------- scanners

  private scanToNextToken(): void {
    for (;;) {
      this.cache(1);
      if (this.column === 0 && this.r.chars[this.r.bufferStart] === 0xfeff) this.skipChar();
      this.cache(1);
      while (this.c() === SP || ((this.flowLevel > 0 || !this.simpleKeyAllowed) && this.c() === TAB)) {
        this.skipChar();
        this.cache(1);
      }
      if (this.c() === C.hash) {
        while (!isBreakz(this.c())) {
          this.skipChar();
          this.cache(1);
        }
      }
      if (!isBreak(this.c())) break;
      this.cache(2);
      this.skipLine();
      if (this.flowLevel === 0) this.simpleKeyAllowed = true;
    }
  }

  private skipBlanks(): void {
    while (isBlank(this.c())) {
      this.skipChar();
      this.cache(1);
    }
  }

  private skipComment(): void {
    if (this.c() === C.hash) {
      while (!isBreakz(this.c())) {
        this.skipChar();
        this.cache(1);
      }
    }
  }

  private scanDirective(): Token {
    const start = this.mark();
    this.skipChar();
    const name = this.scanDirectiveName(start);
    let token: Token;
    if (name === "YAML") {
      const major = this.scanVersionDirectiveNumber(start, true);
      if (this.c() !== C.dot) {
        this.error(start, "did not find expected digit or '.' character");
      }
      this.skipChar();
      const minor = this.scanVersionDirectiveNumber(start, false);
      token = this.token(Tok.VersionDirective, start, this.mark());
      token.major = major;
      token.minor = minor;
    } else if (name === "TAG") {
      const [handle, prefix] = this.scanTagDirectiveValue(start);
      token = this.token(Tok.TagDirective, start, this.mark(), handle);
      token.suffix = prefix;
    } else {
      this.error(start, "found unknown directive name");
    }
    this.cache(1);
    this.skipBlanks();
    this.skipComment();
    if (!isBreakz(this.c())) {
      this.error(start, "did not find expected comment or line break");
    }
    if (isBreak(this.c())) {
      this.cache(2);
      this.skipLine();
    }
    return token;
  }

  private scanDirectiveName(start: Mark): string {
    this.cache(1);
    let s = "";
    while (isAlpha(this.c())) {
      s += this.read();
      this.cache(1);
    }
    if (s === "") this.error(start, "could not find expected directive name");
    if (!isBlankz(this.c())) {
      this.error(start, "found unexpected non-alphabetical character");
    }
    return s;
  }

  /** The major (after leading blanks) or minor number of a %YAML directive. */
  private scanVersionDirectiveNumber(start: Mark, major: boolean): number {
    this.cache(1);
    if (major) this.skipBlanks();
    this.cache(1);
    let value = 0;
    let length = 0;
    while (isDigit(this.c())) {
      length++;
      if (length > 2) this.error(start, "found extremely long version number");
      value = value * 10 + (this.c() - C.zero);
      this.skipChar();
      this.cache(1);
    }
    if (length === 0) this.error(start, "did not find expected version number");
    return value;
  }

  private scanTagDirectiveValue(start: Mark): [string, string] {
    this.cache(1);
    this.skipBlanks();
    const handle = this.scanTagHandle(true, start);
    this.cache(1);
    if (!isBlank(this.c())) this.error(start, "did not find expected whitespace");
    this.skipBlanks();
    const prefix = this.scanTagUri("", start);
    this.cache(1);
    if (!isBlankz(this.c())) {
      this.error(start, "did not find expected whitespace or line break");
    }
    return [handle, prefix];
  }

  private scanAnchor(type: TokType): Token {
    let s = "";
    const start = this.mark();
    this.skipChar();
    this.cache(1);
    while (isAlpha(this.c())) {
      s += this.read();
      this.cache(1);
    }
    const end = this.mark();
    if (s === "" || !(isBlankz(this.c()) || AFTER_ANCHOR.has(this.c()))) {
      this.error(start, "did not find expected alphabetic or numeric character");
    }
    return this.token(type, start, end, s);
  }

  private scanTag(): Token {
    let handle: string;
    let suffix: string;
    const start = this.mark();
    this.cache(2);
    if (this.c(1) === C.lt) {
      handle = "";
      this.skipChar();
      this.skipChar();
      suffix = this.scanTagUri("", start);
      if (this.c() !== C.gt) this.error(start, "did not find the expected '>'");
      this.skipChar();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle.length > 1 && handle.startsWith("!") && handle.endsWith("!")) {
        suffix = this.scanTagUri("", start);
      } else {
        suffix = this.scanTagUri(handle, start);
        handle = "!";
        if (suffix === "") [handle, suffix] = [suffix, handle];
      }
    }
    this.cache(1);
    if (!isBlankz(this.c())) this.error(start, "did not find expected whitespace or line break");
    const token = this.token(Tok.Tag, start, this.mark(), handle);
    token.suffix = suffix;
    return token;
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    this.cache(1);
    if (this.c() !== C.bang) this.error(start, "did not find expected '!'");
    let s = this.read();
    this.cache(1);
    while (isAlpha(this.c())) {
      s += this.read();
      this.cache(1);
    }
    if (this.c() === C.bang) s += this.read();
    else if (directive && s !== "!") this.error(start, "did not find expected '!'");
    return s;
  }

  /** A tag URI: its bytes (%-escapes decoded) as a Go string; `head` is a handle whose text after "!" leads it. */
  private scanTagUri(head: string, start: Mark): string {
    const bytes: number[] = [];
    let hasTag = head.length > 0;
    for (const h of Array.from(head).slice(1)) utf8Bytes(h.codePointAt(0)!, bytes);
    this.cache(1);
    while (isAlpha(this.c()) || URI_CHARS.has(this.c())) {
      if (this.c() === C.pct) this.scanUriEscapes(start, bytes);
      else utf8Bytes(this.read().codePointAt(0)!, bytes);
      this.cache(1);
      hasTag = true;
    }
    if (!hasTag) this.error(start, "did not find expected tag URI");
    return bytesToGoString(Uint8Array.from(bytes));
  }

  private scanUriEscapes(start: Mark, out: number[]): void {
    let w = 1024;
    while (w > 0) {
      this.cache(3);
      if (!(this.c() === C.pct && isHex(this.c(1)) && isHex(this.c(2)))) {
        this.error(start, "did not find URI escaped octet");
      }
      const octet = (asHex(this.c(1)) << 4) + asHex(this.c(2));
      if (w === 1024) {
        w = octetWidth(octet);
        if (w === 0) this.error(start, "found an incorrect leading UTF-8 octet");
      } else if ((octet & 0xc0) !== 0x80) {
        this.error(start, "found an incorrect trailing UTF-8 octet");
      }
      out.push(octet);
      this.skipChar();
      this.skipChar();
      this.skipChar();
      w--;
    }
  }

  private scanBlockScalar(literal: boolean): Token {
    const start = this.mark();
    this.skipChar();
    this.cache(1);
    let chomping = 0;
    let increment = 0;
    if (this.c() === C.plus || this.c() === C.dash) {
      chomping = this.c() === C.plus ? 1 : -1;
      this.skipChar();
      this.cache(1);
      if (isDigit(this.c())) {
        if (this.c() === C.zero) this.error(start, "found an indentation indicator equal to 0");
        increment = this.c() - C.zero;
        this.skipChar();
      }
    } else if (isDigit(this.c())) {
      if (this.c() === C.zero) this.error(start, "found an indentation indicator equal to 0");
      increment = this.c() - C.zero;
      this.skipChar();
      this.cache(1);
      if (this.c() === C.plus || this.c() === C.dash) {
        chomping = this.c() === C.plus ? 1 : -1;
        this.skipChar();
      }
    }
    this.cache(1);
    this.skipBlanks();
    this.skipComment();
    if (!isBreakz(this.c())) this.error(start, "did not find expected comment or line break");
    if (isBreak(this.c())) {
      this.cache(2);
      this.skipLine();
    }
    const state = { end: this.mark(), indent: 0, breaks: "" };
    if (increment > 0) state.indent = this.indent >= 0 ? this.indent + increment : increment;

    let s = "";
    let leadingBreak = "";
    this.scanBlockScalarBreaks(state, start);
    this.cache(1);
    let leadingBlank = false;
    while (this.column === state.indent && this.c() !== 0) {
      const trailingBlank = isBlank(this.c());
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.startsWith("\n")) {
        if (state.breaks === "") s += " ";
      } else {
        s += leadingBreak;
      }
      leadingBreak = "";
      s += state.breaks;
      state.breaks = "";
      leadingBlank = isBlank(this.c());
      const from = this.pos;
      while (!isBreakz(this.c())) {
        this.skipChar();
        this.cache(1);
      }
      s += this.text(from, this.pos);
      this.cache(2);
      leadingBreak = this.readLine();
      this.scanBlockScalarBreaks(state, start);
    }
    if (chomping !== -1) s += leadingBreak;
    if (chomping === 1) s += state.breaks;
    const token = this.token(Tok.Scalar, start, state.end, s);
    token.style = literal ? Style.Literal : Style.Folded;
    return token;
  }

  private scanBlockScalarBreaks(state: { end: Mark; indent: number; breaks: string }, start: Mark): void {
    state.end = this.mark();
    let maxIndent = 0;
    for (;;) {
      this.cache(1);
      while ((state.indent === 0 || this.column < state.indent) && this.c() === SP) {
        this.skipChar();
        this.cache(1);
      }
      if (this.column > maxIndent) maxIndent = this.column;
      if ((state.indent === 0 || this.column < state.indent) && this.c() === TAB) {
        this.error(start, "found a tab character where an indentation space is expected");
      }
      if (!isBreak(this.c())) break;
      this.cache(2);
      state.breaks += this.readLine();
      state.end = this.mark();
    }
    if (state.indent === 0) {
      state.indent = maxIndent;
      if (state.indent < this.indent + 1) state.indent = this.indent + 1;
      if (state.indent < 1) state.indent = 1;
    }
  }

  private scanFlowScalar(single: boolean): Token {
    const start = this.mark();
    this.skipChar();
    let s = "";
    let leadingBreak = "";
    let trailingBreaks = "";
    let whitespaces = "";
    for (;;) {
      this.cache(4);
      if (
        this.column === 0 &&
        ((this.c() === C.dash && this.c(1) === C.dash && this.c(2) === C.dash) ||
          (this.c() === C.dot && this.c(1) === C.dot && this.c(2) === C.dot)) &&
        isBlankz(this.c(3))
      ) {
        this.error(start, "found unexpected document indicator");
      }
      if (this.c() === 0) this.error(start, "found unexpected end of stream");

      let leadingBlanks = false;
      // characters taken as they are since `run` are added to s in one piece
      let run = this.pos;
      while (!isBlankz(this.c())) {
        const c = this.c();
        if (c === (single ? C.squote : C.dquote) || (!single && c === C.backslash)) {
          if (run < this.pos) s += this.text(run, this.pos);
          if (single && this.c(1) === C.squote) {
            s += "'";
            this.skipChar();
            this.skipChar();
          } else if (c !== C.backslash) {
            run = this.pos;
            break;
          } else if (isBreak(this.c(1))) {
            this.cache(3);
            this.skipChar();
            this.skipLine();
            leadingBlanks = true;
            run = this.pos;
            break;
          } else {
            s += this.scanEscape(start);
          }
          run = this.pos;
        } else {
          this.skipChar();
        }
        this.cache(2);
      }
      if (run < this.pos) s += this.text(run, this.pos);
      this.cache(1);
      if (this.c() === (single ? C.squote : C.dquote)) break;

      while (isBlank(this.c()) || isBreak(this.c())) {
        if (isBlank(this.c())) {
          if (!leadingBlanks) whitespaces += this.read();
          else this.skipChar();
        } else {
          this.cache(2);
          if (!leadingBlanks) {
            whitespaces = "";
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
        }
        this.cache(1);
      }
      if (leadingBlanks) {
        if (leadingBreak.startsWith("\n")) {
          s += trailingBreaks === "" ? " " : trailingBreaks;
        } else {
          s += leadingBreak + trailingBreaks;
        }
        trailingBreaks = "";
        leadingBreak = "";
      } else {
        s += whitespaces;
        whitespaces = "";
      }
    }
    this.skipChar();
    const token = this.token(Tok.Scalar, start, this.mark(), s);
    token.style = single ? Style.Single : Style.Double;
    return token;
  }

  /** One backslash escape of a double-quoted scalar (the backslash is at the current position). */
  private scanEscape(start: Mark): string {
    const simple: Record<string, string> = {
      "0": "\0",
      a: "\x07",
      b: "\b",
      t: "\t",
      "\t": "\t",
      n: "\n",
      v: "\v",
      f: "\f",
      r: "\r",
      e: "\x1b",
      " ": " ",
      '"': '"',
      "'": "'",
      "\\": "\\",
      N: "\u0085",
      _: "\u00a0",
      L: "\u2028",
      P: "\u2029",
    };
    const e = String.fromCodePoint(this.c(1));
    const codeLength = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    const out = simple[e];
    if (out === undefined && codeLength === 0) {
      this.error(start, "found unknown escape character");
    }
    this.skipChar();
    this.skipChar();
    if (codeLength === 0) return out!;
    this.cache(codeLength);
    let value = 0;
    for (let k = 0; k < codeLength; k++) {
      if (!isHex(this.c(k))) {
        this.error(start, "did not find expected hexdecimal number");
      }
      value = value * 16 + asHex(this.c(k));
    }
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) {
      this.error(start, "found invalid Unicode character escape code");
    }
    for (let k = 0; k < codeLength; k++) this.skipChar();
    return String.fromCodePoint(value);
  }

  private scanPlainScalar(): Token {
    let s = "";
    let leadingBreak = "";
    let trailingBreaks = "";
    let whitespaces = "";
    let leadingBlanks = false;
    const indent = this.indent + 1;
    const start = this.mark();
    let end = this.mark();
    for (;;) {
      this.cache(4);
      if (
        this.column === 0 &&
        ((this.c() === C.dash && this.c(1) === C.dash && this.c(2) === C.dash) ||
          (this.c() === C.dot && this.c(1) === C.dot && this.c(2) === C.dot)) &&
        isBlankz(this.c(3))
      ) {
        break;
      }
      if (this.c() === C.hash) break;
      let run = -1;
      while (!isBlankz(this.c())) {
        const c = this.c();
        if (
          (c === C.colon && isBlankz(this.c(1))) ||
          (this.flowLevel > 0 &&
            (c === C.comma || c === C.question || c === C.lbrack || c === C.rbrack || c === C.lbrace || c === C.rbrace))
        ) {
          break;
        }
        if (leadingBlanks || whitespaces !== "") {
          if (run >= 0) s += this.text(run, this.pos);
          run = -1;
          if (leadingBlanks) {
            if (leadingBreak.startsWith("\n")) {
              s += trailingBreaks === "" ? " " : trailingBreaks;
            } else {
              s += leadingBreak + trailingBreaks;
            }
            trailingBreaks = "";
            leadingBreak = "";
            leadingBlanks = false;
          } else {
            s += whitespaces;
            whitespaces = "";
          }
        }
        if (run < 0) run = this.pos;
        this.skipChar();
        this.cache(2);
      }
      if (run >= 0 && run < this.pos) {
        s += this.text(run, this.pos);
        end = this.mark();
      }
      run = -1;
      if (!(isBlank(this.c()) || isBreak(this.c()))) break;
      this.cache(1);
      while (isBlank(this.c()) || isBreak(this.c())) {
        if (isBlank(this.c())) {
          if (leadingBlanks && this.column < indent && this.c() === TAB) {
            this.error(start, "found a tab character that violates indentation");
          }
          if (!leadingBlanks) whitespaces += this.read();
          else this.skipChar();
        } else {
          this.cache(2);
          if (!leadingBlanks) {
            whitespaces = "";
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
        }
        this.cache(1);
      }
      if (this.flowLevel === 0 && this.column < indent) break;
    }
    const token = this.token(Tok.Scalar, start, end, s);
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return token;
  }
}
