/** go-yaml v2's event parser (libyaml's parser.c): tokens → events, with libyaml's errors and their marks. */
import { YamlReaderError } from "./yaml-reader.js";
import {
  type Mark,
  type ScalarStyle,
  Style,
  Tok,
  type Token,
  type YamlScanner,
  YamlScannerError,
} from "./yaml-scanner.js";

export const Ev = {
  StreamStart: 1,
  StreamEnd: 2,
  DocumentStart: 3,
  DocumentEnd: 4,
  Alias: 5,
  Scalar: 6,
  SequenceStart: 7,
  SequenceEnd: 8,
  MappingStart: 9,
  MappingEnd: 10,
} as const;
export type EvType = (typeof Ev)[keyof typeof Ev];

export interface YamlEvent {
  type: EvType;
  start: Mark;
  anchor: string;
  tag: string;
  value: string;
  /** Plain-implicit for scalars (an untagged plain scalar, or the "!" tag); tag-less for collections. */
  implicit: boolean;
  style: ScalarStyle;
}

export class ParserError extends Error {
  constructor(
    readonly problem: string,
    readonly problemMark: Mark,
    readonly contextMark?: Mark,
  ) {
    super(problem);
  }
}

const St = {
  StreamStart: 0,
  ImplicitDocumentStart: 1,
  DocumentStart: 2,
  DocumentContent: 3,
  DocumentEnd: 4,
  BlockNode: 5,
  BlockNodeOrIndentlessSequence: 6,
  FlowNode: 7,
  BlockSequenceFirstEntry: 8,
  BlockSequenceEntry: 9,
  IndentlessSequenceEntry: 10,
  BlockMappingFirstKey: 11,
  BlockMappingKey: 12,
  BlockMappingValue: 13,
  FlowSequenceFirstEntry: 14,
  FlowSequenceEntry: 15,
  FlowSequenceEntryMappingKey: 16,
  FlowSequenceEntryMappingValue: 17,
  FlowSequenceEntryMappingEnd: 18,
  FlowMappingFirstKey: 19,
  FlowMappingKey: 20,
  FlowMappingValue: 21,
  FlowMappingEmptyValue: 22,
  End: 23,
} as const;
type State = (typeof St)[keyof typeof St];

const DEFAULT_TAG_DIRECTIVES: [string, string][] = [
  ["!", "!"],
  ["!!", "tag:yaml.org,2002:"],
];

/** libyaml's event parser over the scanner's tokens. */
export class EventParser {
  private state: State = St.StreamStart;
  private readonly states: State[] = [];
  private readonly marks: Mark[] = [];
  private tagDirectives: [string, string][] = [];
  private done = false;

  constructor(private readonly scanner: YamlScanner) {}

  next(): YamlEvent | undefined {
    if (this.scanner.streamEndProduced || this.done || this.state === St.End) return undefined;
    return this.dispatch();
  }

  private dispatch(): YamlEvent {
    switch (this.state) {
      case St.StreamStart:
        return this.streamStart();
      case St.ImplicitDocumentStart:
        return this.documentStart(true);
      case St.DocumentStart:
        return this.documentStart(false);
      case St.DocumentContent:
        return this.documentContent();
      case St.DocumentEnd:
        return this.documentEnd();
      case St.BlockNode:
        return this.node(true, false);
      case St.BlockNodeOrIndentlessSequence:
        return this.node(true, true);
      case St.FlowNode:
        return this.node(false, false);
      case St.BlockSequenceFirstEntry:
        return this.blockSequenceEntry(true);
      case St.BlockSequenceEntry:
        return this.blockSequenceEntry(false);
      case St.IndentlessSequenceEntry:
        return this.indentlessSequenceEntry();
      case St.BlockMappingFirstKey:
        return this.blockMappingKey(true);
      case St.BlockMappingKey:
        return this.blockMappingKey(false);
      case St.BlockMappingValue:
        return this.blockMappingValue();
      case St.FlowSequenceFirstEntry:
        return this.flowSequenceEntry(true);
      case St.FlowSequenceEntry:
        return this.flowSequenceEntry(false);
      case St.FlowSequenceEntryMappingKey:
        return this.flowSequenceEntryMappingKey();
      case St.FlowSequenceEntryMappingValue:
        return this.flowSequenceEntryMappingValue();
      case St.FlowSequenceEntryMappingEnd:
        return this.flowSequenceEntryMappingEnd();
      case St.FlowMappingFirstKey:
        return this.flowMappingKey(true);
      case St.FlowMappingKey:
        return this.flowMappingKey(false);
      case St.FlowMappingValue:
        return this.flowMappingValue(false);
      case St.FlowMappingEmptyValue:
        return this.flowMappingValue(true);
      default:
        throw new Error("invalid parser state");
    }
  }

  private peek(): Token {
    return this.scanner.peek();
  }

  private skip(): void {
    this.scanner.skip();
  }

  private popState(): void {
    this.state = this.states.pop()!;
  }

  private event(type: EvType, start: Mark, extra: Partial<YamlEvent> = {}): YamlEvent {
    return { type, start, anchor: "", tag: "", value: "", implicit: false, style: Style.Plain, ...extra };
  }

  private emptyScalar(mark: Mark): YamlEvent {
    return this.event(Ev.Scalar, mark, { implicit: true });
  }

  private streamStart(): YamlEvent {
    const token = this.peek();
    if (token.type !== Tok.StreamStart) throw new ParserError("did not find expected <stream-start>", token.start);
    this.state = St.ImplicitDocumentStart;
    this.skip();
    return this.event(Ev.StreamStart, token.start);
  }

  private documentStart(implicit: boolean): YamlEvent {
    let token = this.peek();
    if (!implicit) {
      while (token.type === Tok.DocumentEnd) {
        this.skip();
        token = this.peek();
      }
    }
    if (
      implicit &&
      token.type !== Tok.VersionDirective &&
      token.type !== Tok.TagDirective &&
      token.type !== Tok.DocumentStart &&
      token.type !== Tok.StreamEnd
    ) {
      this.processDirectives();
      this.states.push(St.DocumentEnd);
      this.state = St.BlockNode;
      return this.event(Ev.DocumentStart, token.start);
    }
    if (token.type !== Tok.StreamEnd) {
      const start = token.start;
      this.processDirectives();
      token = this.peek();
      if (token.type !== Tok.DocumentStart)
        throw new ParserError("did not find expected <document start>", token.start);
      this.states.push(St.DocumentEnd);
      this.state = St.DocumentContent;
      this.skip();
      return this.event(Ev.DocumentStart, start);
    }
    this.state = St.End;
    this.skip();
    return this.event(Ev.StreamEnd, token.start);
  }

  private documentContent(): YamlEvent {
    const token = this.peek();
    if (
      token.type === Tok.VersionDirective ||
      token.type === Tok.TagDirective ||
      token.type === Tok.DocumentStart ||
      token.type === Tok.DocumentEnd ||
      token.type === Tok.StreamEnd
    ) {
      this.popState();
      return this.emptyScalar(token.start);
    }
    return this.node(true, false);
  }

  private documentEnd(): YamlEvent {
    const token = this.peek();
    const start = token.start;
    if (token.type === Tok.DocumentEnd) this.skip();
    this.tagDirectives = [];
    this.state = St.DocumentStart;
    return this.event(Ev.DocumentEnd, start);
  }

  private node(block: boolean, indentlessSequence: boolean): YamlEvent {
    let token = this.peek();
    if (token.type === Tok.Alias) {
      this.popState();
      this.skip();
      return this.event(Ev.Alias, token.start, { anchor: token.value });
    }
    let start = token.start;
    let tagToken: Token | undefined;
    let anchor = "";
    if (token.type === Tok.Anchor) {
      anchor = token.value;
      start = token.start;
      this.skip();
      token = this.peek();
      if (token.type === Tok.Tag) {
        tagToken = token;
        this.skip();
        token = this.peek();
      }
    } else if (token.type === Tok.Tag) {
      tagToken = token;
      start = token.start;
      this.skip();
      token = this.peek();
      if (token.type === Tok.Anchor) {
        anchor = token.value;
        this.skip();
        token = this.peek();
      }
    }
    let tag = "";
    if (tagToken) {
      if (tagToken.value === "") {
        tag = tagToken.suffix;
      } else {
        const directive = this.tagDirectives.find(([handle]) => handle === tagToken.value);
        if (directive) tag = directive[1] + tagToken.suffix;
        if (tag === "") throw new ParserError("found undefined tag handle", tagToken.start, start);
      }
    }
    const implicit = tag === "";
    if (indentlessSequence && token.type === Tok.BlockEntry) {
      this.state = St.IndentlessSequenceEntry;
      return this.event(Ev.SequenceStart, start, { anchor, tag, implicit });
    }
    if (token.type === Tok.Scalar) {
      const plainImplicit = (tag === "" && token.style === Style.Plain) || tag === "!";
      this.popState();
      this.skip();
      return this.event(Ev.Scalar, start, {
        anchor,
        tag,
        value: token.value,
        implicit: plainImplicit,
        style: token.style,
      });
    }
    if (token.type === Tok.FlowSequenceStart) {
      this.state = St.FlowSequenceFirstEntry;
      return this.event(Ev.SequenceStart, start, { anchor, tag, implicit });
    }
    if (token.type === Tok.FlowMappingStart) {
      this.state = St.FlowMappingFirstKey;
      return this.event(Ev.MappingStart, start, { anchor, tag, implicit });
    }
    if (block && token.type === Tok.BlockSequenceStart) {
      this.state = St.BlockSequenceFirstEntry;
      return this.event(Ev.SequenceStart, start, { anchor, tag, implicit });
    }
    if (block && token.type === Tok.BlockMappingStart) {
      this.state = St.BlockMappingFirstKey;
      return this.event(Ev.MappingStart, start, { anchor, tag, implicit });
    }
    if (anchor !== "" || tag !== "") {
      this.popState();
      return this.event(Ev.Scalar, start, { anchor, tag, implicit });
    }
    throw new ParserError("did not find expected node content", token.start, start);
  }

  private blockSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.type === Tok.BlockEntry) {
      const mark = token.end;
      this.skip();
      token = this.peek();
      if (token.type !== Tok.BlockEntry && token.type !== Tok.BlockEnd) {
        this.states.push(St.BlockSequenceEntry);
        return this.node(true, false);
      }
      this.state = St.BlockSequenceEntry;
      return this.emptyScalar(mark);
    }
    if (token.type === Tok.BlockEnd) {
      this.popState();
      this.marks.pop();
      this.skip();
      return this.event(Ev.SequenceEnd, token.start);
    }
    throw new ParserError("did not find expected '-' indicator", token.start, this.marks.pop());
  }

  private indentlessSequenceEntry(): YamlEvent {
    let token = this.peek();
    if (token.type === Tok.BlockEntry) {
      const mark = token.end;
      this.skip();
      token = this.peek();
      if (
        token.type !== Tok.BlockEntry &&
        token.type !== Tok.Key &&
        token.type !== Tok.Value &&
        token.type !== Tok.BlockEnd
      ) {
        this.states.push(St.IndentlessSequenceEntry);
        return this.node(true, false);
      }
      this.state = St.IndentlessSequenceEntry;
      return this.emptyScalar(mark);
    }
    this.popState();
    return this.event(Ev.SequenceEnd, token.start);
  }

  private blockMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.type === Tok.Key) {
      const mark = token.end;
      this.skip();
      token = this.peek();
      if (token.type !== Tok.Key && token.type !== Tok.Value && token.type !== Tok.BlockEnd) {
        this.states.push(St.BlockMappingValue);
        return this.node(true, true);
      }
      this.state = St.BlockMappingValue;
      return this.emptyScalar(mark);
    }
    if (token.type === Tok.BlockEnd) {
      this.popState();
      this.marks.pop();
      this.skip();
      return this.event(Ev.MappingEnd, token.start);
    }
    throw new ParserError("did not find expected key", token.start, this.marks.pop());
  }

  private blockMappingValue(): YamlEvent {
    let token = this.peek();
    if (token.type === Tok.Value) {
      const mark = token.end;
      this.skip();
      token = this.peek();
      if (token.type !== Tok.Key && token.type !== Tok.Value && token.type !== Tok.BlockEnd) {
        this.states.push(St.BlockMappingKey);
        return this.node(true, true);
      }
      this.state = St.BlockMappingKey;
      return this.emptyScalar(mark);
    }
    this.state = St.BlockMappingKey;
    return this.emptyScalar(token.start);
  }

  private flowSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.type !== Tok.FlowSequenceEnd) {
      if (!first) {
        if (token.type !== Tok.FlowEntry) {
          throw new ParserError("did not find expected ',' or ']'", token.start, this.marks.pop());
        }
        this.skip();
        token = this.peek();
      }
      if (token.type === Tok.Key) {
        this.state = St.FlowSequenceEntryMappingKey;
        this.skip();
        return this.event(Ev.MappingStart, token.start, { implicit: true });
      }
      if (token.type !== Tok.FlowSequenceEnd) {
        this.states.push(St.FlowSequenceEntry);
        return this.node(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    this.skip();
    return this.event(Ev.SequenceEnd, token.start);
  }

  private flowSequenceEntryMappingKey(): YamlEvent {
    const token = this.peek();
    if (token.type !== Tok.Value && token.type !== Tok.FlowEntry && token.type !== Tok.FlowSequenceEnd) {
      this.states.push(St.FlowSequenceEntryMappingValue);
      return this.node(false, false);
    }
    const mark = token.end;
    this.skip();
    this.state = St.FlowSequenceEntryMappingValue;
    return this.emptyScalar(mark);
  }

  private flowSequenceEntryMappingValue(): YamlEvent {
    const token = this.peek();
    if (token.type === Tok.Value) {
      this.skip();
      // the empty value below keeps the mark of the ':' (go-yaml shadows its token variable here)
      const next = this.peek();
      if (next.type !== Tok.FlowEntry && next.type !== Tok.FlowSequenceEnd) {
        this.states.push(St.FlowSequenceEntryMappingEnd);
        return this.node(false, false);
      }
    }
    this.state = St.FlowSequenceEntryMappingEnd;
    return this.emptyScalar(token.start);
  }

  private flowSequenceEntryMappingEnd(): YamlEvent {
    const token = this.peek();
    this.state = St.FlowSequenceEntry;
    return this.event(Ev.MappingEnd, token.start);
  }

  private flowMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.type !== Tok.FlowMappingEnd) {
      if (!first) {
        if (token.type !== Tok.FlowEntry) {
          throw new ParserError("did not find expected ',' or '}'", token.start, this.marks.pop());
        }
        this.skip();
        token = this.peek();
      }
      if (token.type === Tok.Key) {
        this.skip();
        token = this.peek();
        if (token.type !== Tok.Value && token.type !== Tok.FlowEntry && token.type !== Tok.FlowMappingEnd) {
          this.states.push(St.FlowMappingValue);
          return this.node(false, false);
        }
        this.state = St.FlowMappingValue;
        return this.emptyScalar(token.start);
      }
      if (token.type !== Tok.FlowMappingEnd) {
        this.states.push(St.FlowMappingEmptyValue);
        return this.node(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    this.skip();
    return this.event(Ev.MappingEnd, token.start);
  }

  private flowMappingValue(empty: boolean): YamlEvent {
    let token = this.peek();
    if (empty) {
      this.state = St.FlowMappingKey;
      return this.emptyScalar(token.start);
    }
    if (token.type === Tok.Value) {
      this.skip();
      token = this.peek();
      if (token.type !== Tok.FlowEntry && token.type !== Tok.FlowMappingEnd) {
        this.states.push(St.FlowMappingKey);
        return this.node(false, false);
      }
    }
    this.state = St.FlowMappingKey;
    return this.emptyScalar(token.start);
  }

  private processDirectives(): void {
    let version = false;
    let token = this.peek();
    while (token.type === Tok.VersionDirective || token.type === Tok.TagDirective) {
      if (token.type === Tok.VersionDirective) {
        if (version) throw new ParserError("found duplicate %YAML directive", token.start);
        if (token.major !== 1 || token.minor !== 1) {
          throw new ParserError("found incompatible YAML document", token.start);
        }
        version = true;
      } else {
        this.appendTagDirective(token.value, token.suffix, false, token.start);
      }
      this.skip();
      token = this.peek();
    }
    for (const [handle, prefix] of DEFAULT_TAG_DIRECTIVES) this.appendTagDirective(handle, prefix, true, token.start);
  }

  private appendTagDirective(handle: string, prefix: string, allowDuplicates: boolean, mark: Mark): void {
    if (this.tagDirectives.some(([h]) => h === handle)) {
      if (allowDuplicates) return;
      throw new ParserError("found duplicate %TAG directive", mark);
    }
    this.tagDirectives.push([handle, prefix]);
  }
}

/** go-yaml's message for a reader, scanner or parser failure (parser.fail). */
export function failureMessage(e: unknown): string {
  if (e instanceof YamlReaderError) return e.message;
  let line = 0;
  if (e instanceof YamlScannerError) {
    if (e.problemMark.line !== 0) line = e.problemMark.line + 1;
    else if (e.contextMark.line !== 0) line = e.contextMark.line;
  } else if (e instanceof ParserError) {
    if (e.problemMark.line !== 0) line = e.problemMark.line;
    else if (e.contextMark && e.contextMark.line !== 0) line = e.contextMark.line;
  }
  return `${line !== 0 ? `line ${line}: ` : ""}${(e as Error).message}`;
}
