/**
 * go-yaml v2's emitter (libyaml's emitter.c): events → text. Block collections with unindented sequences under
 * keys, "{}"/"[]" for empty ones, plain, single-, double-quoted and literal scalars chosen by its analysis of each
 * value, "? " complex keys for keys that are multi-line or longer than 128 bytes, and line folding past column 80.
 */
import { Style } from "./yaml-scanner.js";

type ScalarStyle = (typeof Style)[keyof typeof Style];

export type YamlEvent =
  | { type: "stream-start" | "stream-end" | "document-start" | "document-end" }
  | { type: "sequence-start" | "sequence-end" | "mapping-start" | "mapping-end" }
  | { type: "scalar"; value: string; style: ScalarStyle };

// ------------------------------------------------------------------ encoder

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

const SPACE = 0x20;
const LF = 0x0a;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const QUESTION = 0x3f;
const COLON = 0x3a;
const DASH = 0x2d;
const HASH = 0x23;
const codes = (s: string) => new Set(Array.from(s, (c) => c.charCodeAt(0)));
/** Indicators that rule out a plain scalar when they start it, and the ones that do anywhere in flow context. */
const FIRST_INDICATORS = codes("#,[]{}&*!|>'\"%@`");
const FLOW_INDICATORS = codes(",?[]{}");
const SHORT_ESCAPES = new Map<number, string>([
  [0x00, "0"],
  [0x07, "a"],
  [0x08, "b"],
  [0x09, "t"],
  [0x0a, "n"],
  [0x0b, "v"],
  [0x0c, "f"],
  [0x0d, "r"],
  [0x1b, "e"],
  [0x22, '"'],
  [0x5c, "\\"],
  [0x85, "N"],
  [0xa0, "_"],
  [0x2028, "L"],
  [0x2029, "P"],
]);

function isBreak(c: number | undefined): boolean {
  return c === 0x0d || c === LF || c === 0x85 || c === 0x2028 || c === 0x2029;
}
function isBlank(c: number | undefined): boolean {
  return c === SPACE || c === 0x09;
}
function isBlankz(c: number | undefined): boolean {
  return isBlank(c) || isBreak(c) || c === 0;
}
/** libyaml's is_printable on the character's UTF-8 bytes: no tab, CR, C1, BOM, U+FFFE/F or non-BMP. */
function isPrintable(c: number): boolean {
  return (
    c === LF || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

const St = {
  StreamStart: 0,
  FirstDocumentStart: 1,
  DocumentStart: 2,
  DocumentContent: 3,
  DocumentEnd: 4,
  FlowSequenceFirstItem: 5,
  FlowSequenceItem: 6,
  FlowMappingFirstKey: 7,
  FlowMappingKey: 8,
  FlowMappingSimpleValue: 9,
  FlowMappingValue: 10,
  BlockSequenceFirstItem: 11,
  BlockSequenceItem: 12,
  BlockMappingFirstKey: 13,
  BlockMappingKey: 14,
  BlockMappingSimpleValue: 15,
  BlockMappingValue: 16,
  End: 17,
} as const;
type State = (typeof St)[keyof typeof St];

interface ScalarAnalysis {
  value: string;
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  style: ScalarStyle;
}

export class Emitter {
  private readonly out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private state: State = St.StreamStart;
  private readonly states: State[] = [];
  private flowLevel = 0;
  private mappingContext = false;
  private simpleKeyContext = false;
  private head = 0;
  private scalar: ScalarAnalysis = {
    value: "",
    multiline: false,
    flowPlainAllowed: false,
    blockPlainAllowed: false,
    singleQuotedAllowed: false,
    blockAllowed: false,
    style: Style.Plain,
  };

  constructor(private readonly events: YamlEvent[]) {}

  run(): string {
    for (this.head = 0; this.head < this.events.length; this.head++) {
      const e = this.events[this.head]!;
      if (e.type === "scalar") this.analyzeScalar(e.value);
      this.dispatch(e);
    }
    return this.out.join("");
  }

  private dispatch(e: YamlEvent): void {
    switch (this.state) {
      case St.StreamStart:
        this.state = St.FirstDocumentStart;
        return;
      case St.FirstDocumentStart:
      case St.DocumentStart:
        this.documentStart(e, this.state === St.FirstDocumentStart);
        return;
      case St.DocumentContent:
        this.states.push(St.DocumentEnd);
        this.node(e, false, false);
        return;
      case St.DocumentEnd:
        this.writeIndent();
        this.state = St.DocumentStart;
        return;
      case St.FlowSequenceFirstItem:
      case St.FlowSequenceItem:
        this.flowSequenceItem(e, this.state === St.FlowSequenceFirstItem);
        return;
      case St.FlowMappingFirstKey:
      case St.FlowMappingKey:
        this.flowMappingKey(e, this.state === St.FlowMappingFirstKey);
        return;
      case St.FlowMappingSimpleValue:
      case St.FlowMappingValue:
        this.flowMappingValue(e, this.state === St.FlowMappingSimpleValue);
        return;
      case St.BlockSequenceFirstItem:
      case St.BlockSequenceItem:
        this.blockSequenceItem(e, this.state === St.BlockSequenceFirstItem);
        return;
      case St.BlockMappingFirstKey:
      case St.BlockMappingKey:
        this.blockMappingKey(e, this.state === St.BlockMappingFirstKey);
        return;
      case St.BlockMappingSimpleValue:
      case St.BlockMappingValue:
        this.blockMappingValue(e, this.state === St.BlockMappingSimpleValue);
        return;
      default:
        throw new Error("expected nothing after STREAM-END");
    }
  }

  // ---------------------------------------------------------------- output

  private put(c: string): void {
    this.out.push(c);
    this.column++;
  }

  private putBreak(): void {
    this.out.push("\n");
    this.column = 0;
  }

  /**
   * Characters of `value` the scalar writers pass over are counted into the column at once and written later, in
   * one piece, by `flush` (before anything else is written).
   */
  private flush(value: string, from: number, to: number): void {
    if (to > from) this.out.push(value.slice(from, to));
  }

  private writeBreak(c: number): void {
    if (c === LF) {
      this.putBreak();
    } else {
      this.out.push(String.fromCodePoint(c));
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean) {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of indicator) this.put(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private popState(): void {
    this.state = this.states.pop()!;
  }

  // ---------------------------------------------------------------- states

  private documentStart(e: YamlEvent, first: boolean): void {
    if (e.type === "document-start") {
      if (!first) {
        this.writeIndent();
        this.writeIndicator("---", true, false, false);
      }
      this.state = St.DocumentContent;
    } else {
      this.state = St.End;
    }
  }

  private flowSequenceItem(e: YamlEvent, first: boolean): void {
    if (first) {
      this.writeIndicator("[", true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === "sequence-end") {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator("]", false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(",", false, false, false);
    if (this.column > BEST_WIDTH) this.writeIndent();
    this.states.push(St.FlowSequenceItem);
    this.node(e, false, false);
  }

  private flowMappingKey(e: YamlEvent, first: boolean): void {
    if (first) {
      this.writeIndicator("{", true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === "mapping-end") {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator("}", false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(",", false, false, false);
    if (this.column > BEST_WIDTH) this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(St.FlowMappingSimpleValue);
      this.node(e, true, true);
      return;
    }
    this.writeIndicator("?", true, false, false);
    this.states.push(St.FlowMappingValue);
    this.node(e, true, false);
  }

  private flowMappingValue(e: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(":", false, false, false);
    } else {
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.writeIndicator(":", true, false, false);
    }
    this.states.push(St.FlowMappingKey);
    this.node(e, true, false);
  }

  private blockSequenceItem(e: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false, this.mappingContext && !this.indention);
    if (e.type === "sequence-end") {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push(St.BlockSequenceItem);
    this.node(e, false, false);
  }

  private blockMappingKey(e: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (e.type === "mapping-end") {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(St.BlockMappingSimpleValue);
      this.node(e, true, true);
      return;
    }
    this.writeIndicator("?", true, false, true);
    this.states.push(St.BlockMappingValue);
    this.node(e, true, false);
  }

  private blockMappingValue(e: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(":", false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(":", true, false, true);
    }
    this.states.push(St.BlockMappingKey);
    this.node(e, true, false);
  }

  private node(e: YamlEvent, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (e.type) {
      case "scalar":
        this.selectScalarStyle(e.style);
        this.increaseIndent(true, false);
        this.processScalar();
        this.popIndent();
        this.popState();
        return;
      case "sequence-start":
        this.state =
          this.flowLevel > 0 || this.nextIs("sequence-end") ? St.FlowSequenceFirstItem : St.BlockSequenceFirstItem;
        return;
      case "mapping-start":
        this.state =
          this.flowLevel > 0 || this.nextIs("mapping-end") ? St.FlowMappingFirstKey : St.BlockMappingFirstKey;
        return;
      default:
        throw new Error(`expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS, but got ${e.type}`);
    }
  }

  private nextIs(type: YamlEvent["type"]): boolean {
    return this.events[this.head + 1]?.type === type;
  }

  private checkSimpleKey(): boolean {
    const e = this.events[this.head]!;
    switch (e.type) {
      case "scalar":
        return !this.scalar.multiline && Buffer.byteLength(this.scalar.value, "utf8") <= 128;
      case "sequence-start":
        return this.nextIs("sequence-end");
      case "mapping-start":
        return this.nextIs("mapping-end");
      default:
        return false;
    }
  }

  // ---------------------------------------------------------------- scalars

  private analyzeScalar(value: string): void {
    const a = this.scalar;
    a.value = value;
    if (value.length === 0) {
      a.multiline = false;
      a.flowPlainAllowed = false;
      a.blockPlainAllowed = true;
      a.singleQuotedAllowed = true;
      a.blockAllowed = false;
      return;
    }
    let blockIndicators = false;
    let flowIndicators = false;
    let lineBreaks = false;
    let specialCharacters = false;
    let leadingSpace = false;
    let leadingBreak = false;
    let trailingSpace = false;
    let trailingBreak = false;
    let breakSpace = false;
    let spaceBreak = false;
    let previousSpace = false;
    let previousBreak = false;
    if (value.startsWith("---") || value.startsWith("...")) {
      blockIndicators = true;
      flowIndicators = true;
    }
    let precededByWhitespace = true;
    for (let i = 0; i < value.length; ) {
      const c = value.codePointAt(i)!;
      const next = i + (c > 0xffff ? 2 : 1);
      const first = i === 0;
      const last = next >= value.length;
      const followedByWhitespace = last || isBlank(value.charCodeAt(next));
      if (first) {
        if (FIRST_INDICATORS.has(c)) {
          flowIndicators = true;
          blockIndicators = true;
        } else if (c === QUESTION || c === COLON) {
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
        } else if (c === DASH && followedByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      } else if (FLOW_INDICATORS.has(c)) {
        flowIndicators = true;
      } else if (c === COLON) {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === HASH && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (!isPrintable(c)) specialCharacters = true;
      if (c === SPACE) {
        if (first) leadingSpace = true;
        if (last) trailingSpace = true;
        if (previousBreak) breakSpace = true;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(c)) {
        lineBreaks = true;
        if (first) leadingBreak = true;
        if (last) trailingBreak = true;
        if (previousSpace) spaceBreak = true;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = isBlankz(c);
      i = next;
    }
    a.multiline = lineBreaks;
    a.flowPlainAllowed = true;
    a.blockPlainAllowed = true;
    a.singleQuotedAllowed = true;
    a.blockAllowed = true;
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
      a.flowPlainAllowed = false;
      a.blockPlainAllowed = false;
    }
    if (trailingSpace) a.blockAllowed = false;
    if (breakSpace) {
      a.flowPlainAllowed = false;
      a.blockPlainAllowed = false;
      a.singleQuotedAllowed = false;
    }
    if (spaceBreak || specialCharacters) {
      a.flowPlainAllowed = false;
      a.blockPlainAllowed = false;
      a.singleQuotedAllowed = false;
      a.blockAllowed = false;
    }
    if (lineBreaks) {
      a.flowPlainAllowed = false;
      a.blockPlainAllowed = false;
    }
    if (flowIndicators) a.flowPlainAllowed = false;
    if (blockIndicators) a.blockPlainAllowed = false;
  }

  private selectScalarStyle(requested: ScalarStyle): void {
    const a = this.scalar;
    let style = requested;
    if (this.simpleKeyContext && a.multiline) style = Style.Double;
    if (style === Style.Plain) {
      if ((this.flowLevel > 0 && !a.flowPlainAllowed) || (this.flowLevel === 0 && !a.blockPlainAllowed)) {
        style = Style.Single;
      }
      if (a.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = Style.Single;
    }
    if (style === Style.Single && !a.singleQuotedAllowed) style = Style.Double;
    if (
      (style === Style.Literal || style === Style.Folded) &&
      (!a.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)
    ) {
      style = Style.Double;
    }
    a.style = style;
  }

  private processScalar(): void {
    const { value, style } = this.scalar;
    const allowBreaks = !this.simpleKeyContext;
    if (style === Style.Plain) this.writePlain(value, allowBreaks);
    else if (style === Style.Single) this.writeSingleQuoted(value, allowBreaks);
    else if (style === Style.Double) this.writeDoubleQuoted(value, allowBreaks);
    else this.writeLiteral(value);
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    let spaces = false;
    let breaks = false;
    let run = 0;
    for (let i = 0; i < value.length; ) {
      const c = value.codePointAt(i)!;
      const next = i + (c > 0xffff ? 2 : 1);
      if (c === SPACE) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && value.charCodeAt(next) !== SPACE) {
          this.flush(value, run, i);
          this.writeIndent();
          run = next;
        } else {
          this.column++;
        }
        spaces = true;
      } else if (isBreak(c)) {
        this.flush(value, run, i);
        if (!breaks && c === LF) this.putBreak();
        this.writeBreak(c);
        run = next;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.flush(value, run, i);
          this.writeIndent();
          run = i;
        }
        this.column++;
        this.indention = false;
        spaces = false;
        breaks = false;
      }
      i = next;
    }
    this.flush(value, run, value.length);
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    let run = 0;
    for (let i = 0; i < value.length; ) {
      const c = value.codePointAt(i)!;
      const next = i + (c > 0xffff ? 2 : 1);
      if (c === SPACE) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          next < value.length &&
          value.charCodeAt(next) !== SPACE
        ) {
          this.flush(value, run, i);
          this.writeIndent();
          run = next;
        } else {
          this.column++;
        }
        spaces = true;
      } else if (isBreak(c)) {
        this.flush(value, run, i);
        if (!breaks && c === LF) this.putBreak();
        this.writeBreak(c);
        run = next;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.flush(value, run, i);
          this.writeIndent();
          run = i;
        }
        if (c === SQUOTE) {
          this.flush(value, run, i);
          this.put("'");
          run = i;
        }
        this.column++;
        this.indention = false;
        spaces = false;
        breaks = false;
      }
      i = next;
    }
    this.flush(value, run, value.length);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    // libyaml checks for a BOM at the start of the value, not at each character: a leading BOM escapes them all
    const bomFirst = value.charCodeAt(0) === 0xfeff;
    let run = 0;
    for (let i = 0; i < value.length; ) {
      const c = value.codePointAt(i)!;
      const next = i + (c > 0xffff ? 2 : 1);
      if (!isPrintable(c) || bomFirst || isBreak(c) || c === DQUOTE || c === BACKSLASH) {
        this.flush(value, run, i);
        this.put("\\");
        this.writeEscape(c);
        run = next;
        spaces = false;
      } else if (c === SPACE) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && next < value.length) {
          this.flush(value, run, i);
          this.writeIndent();
          if (value.charCodeAt(next) === SPACE) this.put("\\");
          run = next;
        } else {
          this.column++;
        }
        spaces = true;
      } else {
        this.column++;
        spaces = false;
      }
      i = next;
    }
    this.flush(value, run, value.length);
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeEscape(c: number): void {
    const short = SHORT_ESCAPES.get(c);
    if (short !== undefined) {
      this.put(short);
      return;
    }
    const [letter, width] = c <= 0xff ? ["x", 2] : c <= 0xffff ? ["u", 4] : ["U", 8];
    this.put(letter);
    for (const d of c.toString(16).toUpperCase().padStart(width, "0")) this.put(d);
  }

  private writeLiteral(value: string): void {
    this.writeIndicator("|", true, false, false);
    this.writeBlockScalarHints(value);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    let run = 0;
    for (let i = 0; i < value.length; ) {
      const c = value.codePointAt(i)!;
      const next = i + (c > 0xffff ? 2 : 1);
      if (isBreak(c)) {
        this.flush(value, run, i);
        this.writeBreak(c);
        run = next;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.flush(value, run, i);
          this.writeIndent();
          run = i;
        }
        this.column++;
        this.indention = false;
        breaks = false;
      }
      i = next;
    }
    this.flush(value, run, value.length);
  }

  private writeBlockScalarHints(value: string): void {
    const first = value.codePointAt(0);
    if (first === SPACE || isBreak(first)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = "";
    const chars = Array.from(value.slice(-2));
    const last = chars.at(-1)?.codePointAt(0);
    if (value.length === 0 || !isBreak(last)) chomp = "-";
    else if (chars.length === 1 || value.length === 1 || isBreak(chars[0]!.codePointAt(0))) chomp = "+";
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }
}
