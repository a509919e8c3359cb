/**
 * go-yaml v2's composer (decode.go's parser): the events of the first document → a node tree, anchors resolved to
 * the nodes they name; reader, scanner and parser failures as go-yaml words them ("yaml: line N: ...").
 */
import { failf } from "./yaml-errors.js";
import { Ev, EventParser, type EvType, failureMessage, ParserError, type YamlEvent } from "./yaml-parser.js";
import { YamlReaderError } from "./yaml-reader.js";
import { YamlScanner, YamlScannerError } from "./yaml-scanner.js";

export const NodeKind = { Document: 1, Mapping: 2, Sequence: 3, Scalar: 4, Alias: 5 } as const;
type NodeKindValue = (typeof NodeKind)[keyof typeof NodeKind];

export interface YamlNode {
  kind: NodeKindValue;
  line: number;
  tag: string;
  value: string;
  implicit: boolean;
  children: YamlNode[];
  /** For an alias: the node its anchor named. */
  alias?: YamlNode;
}

/** The first document of `input` as go-yaml's node tree (undefined for a stream without documents). */
export function composeFirstDocument(input: Uint8Array): YamlNode | undefined {
  return new Composer(new EventParser(new YamlScanner(input))).compose();
}

class Composer {
  private event: YamlEvent | undefined;
  private anchors = new Map<string, YamlNode>();

  constructor(private readonly parser: EventParser) {}

  compose(): YamlNode | undefined {
    this.expect(Ev.StreamStart);
    return this.parse();
  }

  private peek(): EvType {
    if (!this.event) this.event = this.nextEvent();
    return this.event.type;
  }

  private nextEvent(): YamlEvent {
    try {
      const e = this.parser.next();
      if (!e) failf("attempted to go past the end of stream; corrupted value?");
      return e;
    } catch (e) {
      if (e instanceof YamlReaderError || e instanceof YamlScannerError || e instanceof ParserError) {
        failf(failureMessage(e));
      }
      throw e;
    }
  }

  private expect(type: EvType): YamlEvent {
    this.peek();
    const e = this.event!;
    if (e.type === Ev.StreamEnd) failf("attempted to go past the end of stream; corrupted value?");
    if (e.type !== type) failf(`expected event ${type} but got ${e.type}`);
    this.event = undefined;
    return e;
  }

  /** The next node (iteratively: collections may nest 10,000 deep); undefined at the end of the stream. */
  private parse(): YamlNode | undefined {
    if (this.peek() === Ev.StreamEnd) return undefined;
    if (this.peek() === Ev.DocumentStart) return this.document();
    const open: [YamlNode, EvType][] = [];
    let root: YamlNode | undefined;
    const add = (n: YamlNode) => {
      if (open.length > 0) open[open.length - 1]![0].children.push(n);
      else root = n;
    };
    do {
      const type = this.peek();
      if (open.length > 0 && type === open[open.length - 1]![1]) {
        this.expect(type);
        open.pop();
      } else if (type === Ev.Scalar) {
        add(this.scalar());
      } else if (type === Ev.Alias) {
        add(this.alias());
      } else if (type === Ev.MappingStart || type === Ev.SequenceStart) {
        const n = this.collectionStart(type === Ev.MappingStart ? NodeKind.Mapping : NodeKind.Sequence);
        add(n);
        open.push([n, type === Ev.MappingStart ? Ev.MappingEnd : Ev.SequenceEnd]);
      } else {
        throw new Error(`attempted to parse unknown event: ${type}`);
      }
    } while (open.length > 0);
    return root;
  }

  private node(kind: NodeKindValue): YamlNode {
    return { kind, line: this.event!.start.line, tag: "", value: "", implicit: false, children: [] };
  }

  private document(): YamlNode {
    const n = this.node(NodeKind.Document);
    this.anchors = new Map();
    this.expect(Ev.DocumentStart);
    n.children.push(this.parse()!);
    this.expect(Ev.DocumentEnd);
    return n;
  }

  private alias(): YamlNode {
    const n = this.node(NodeKind.Alias);
    n.value = this.event!.anchor;
    n.alias = this.anchors.get(n.value);
    if (!n.alias) failf(`unknown anchor '${n.value}' referenced`);
    this.expect(Ev.Alias);
    return n;
  }

  private scalar(): YamlNode {
    const n = this.node(NodeKind.Scalar);
    const e = this.event!;
    n.value = e.value;
    n.tag = e.tag;
    n.implicit = e.implicit;
    if (e.anchor !== "") this.anchors.set(e.anchor, n);
    this.expect(Ev.Scalar);
    return n;
  }

  private collectionStart(kind: NodeKindValue): YamlNode {
    const n = this.node(kind);
    const e = this.event!;
    n.tag = e.tag;
    if (e.anchor !== "") this.anchors.set(e.anchor, n);
    this.expect(e.type);
    return n;
  }
}
