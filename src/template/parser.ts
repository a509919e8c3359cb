/**
 * Parser for Go text/template, producing the trees of one template source (the main template
 * and every {{define}}/{{block}}), following Go's text/template/parse/parse.go.
 */
import { TemplateError } from "./errors.js";
import { lex, T, type Token } from "./lexer.js";
import type {
  BranchNode,
  ChainNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from "./nodes.js";
import { nodeString } from "./nodes.js";
import { parseFloat64, parseIntBase0, unquote, unquoteChar } from "./strconv.js";

export class ParseError extends TemplateError {}

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  /** Names of functions available to the template (builtins included). */
  hasFunction: (name: string) => boolean;
}

/** Go's item.String(). */
function tokenString(t: Token): string {
  if (t.typ === T.EOF) return "EOF";
  if (t.typ === T.Error) return t.val;
  if (t.typ >= T.Block) return `<${t.val}>`;
  const chars = Array.from(t.val);
  if (chars.length > 10) return `${goQuote(chars.slice(0, 10).join(""))}...`;
  return goQuote(t.val);
}

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, "\\x$1");
}

function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return n.text.trim() === "" && !/[^ \t\r\n\v\f\u0085\u00a0]/.test(n.text);
    default:
      return false;
  }
}

/** Parse a template source; returns all trees by name (the main one is `name`). */
export function parseTemplate(name: string, text: string, opts: ParseOptions): Map<string, Tree> {
  const tokens = lex(text, opts.leftDelim ?? "{{", opts.rightDelim ?? "}}", {
    breakOK: !opts.hasFunction("break"),
    continueOK: !opts.hasFunction("continue"),
  }).filter((t) => t.typ !== T.Comment);
  const treeSet = new Map<string, Tree>();
  let idx = 0;
  let maxSeen = 0;

  const fail = (msg: string): never => {
    throw new ParseError(`template: ${name}:${tokens[Math.min(maxSeen, tokens.length - 1)]!.line}: ${msg}`);
  };

  // Reading past the end keeps returning the final EOF/Error token; idx still advances so backup() stays exact.
  const at = (i: number): Token => tokens[Math.min(i, tokens.length - 1)]!;
  const next = (): Token => {
    const t = at(idx);
    if (idx > maxSeen) maxSeen = Math.min(idx, tokens.length - 1);
    idx++;
    return t;
  };
  const peek = (): Token => {
    if (idx > maxSeen) maxSeen = Math.min(idx, tokens.length - 1);
    return at(idx);
  };
  const backup = (n = 1): void => {
    idx -= n;
  };
  const nextNonSpace = (): Token => {
    let t: Token;
    do t = next();
    while (t.typ === T.Space);
    return t;
  };
  const peekNonSpace = (): Token => {
    const save = idx;
    const t = nextNonSpace();
    idx = save;
    // Go's peekNonSpace consumes spaces but backs up only the final token.
    while (at(idx).typ === T.Space && idx < tokens.length - 1) idx++;
    return t;
  };

  class TreeParser {
    tree: Tree;
    vars: string[] = ["$"];
    rangeDepth = 0;
    actionLine = 0;
    constructor(treeName: string) {
      this.tree = { name: treeName, parseName: name, text, root: this.list(0) };
    }
    list(pos: number): ListNode {
      return { kind: "list", pos, tree: this?.tree, nodes: [] };
    }
    unexpected(token: Token, context: string): never {
      if (token.typ === T.Error) {
        let extra = "";
        if (this.actionLine !== 0 && this.actionLine !== token.line) {
          extra = ` in action started at ${name}:${this.actionLine}`;
          if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
        }
        return fail(`${token.val}${extra}`);
      }
      return fail(`unexpected ${tokenString(token)} in ${context}`);
    }
    expect(typ: T, context: string): Token {
      const t = nextNonSpace();
      if (t.typ !== typ) this.unexpected(t, context);
      return t;
    }
    add(): void {
      const existing = treeSet.get(this.tree.name);
      if (!existing || isEmptyTree(existing.root)) {
        treeSet.set(this.tree.name, this.tree);
        return;
      }
      if (!isEmptyTree(this.tree.root)) fail(`template: multiple definition of template "${this.tree.name}"`);
    }
    parseMain(): void {
      this.tree.root = this.list(peek().pos);
      while (peek().typ !== T.EOF) {
        if (peek().typ === T.LeftDelim) {
          const save = idx;
          next();
          if (nextNonSpace().typ === T.Define) {
            const def = new TreeParser("definition");
            def.parseDefinition();
            continue;
          }
          idx = save;
        }
        const n = this.textOrAction();
        if (n.kind === "end" || n.kind === "else") fail(`unexpected ${nodeString(n)}`);
        this.tree.root.nodes.push(n);
      }
      this.add();
    }
    parseDefinition(): void {
      const context = "define clause";
      const tok = nextNonSpace();
      if (tok.typ !== T.String && tok.typ !== T.RawString) this.unexpected(tok, context);
      this.tree.name = unquoteOrFail(tok.val);
      this.expect(T.RightDelim, context);
      const [list, end] = this.itemList();
      this.tree.root = list;
      if (end.kind !== "end") fail(`unexpected ${nodeString(end)} in ${context}`);
      this.add();
    }
    itemList(): [ListNode, Node] {
      const list = this.list(peekNonSpace().pos);
      while (peekNonSpace().typ !== T.EOF) {
        const n = this.textOrAction();
        if (n.kind === "end" || n.kind === "else") return [list, n];
        list.nodes.push(n);
      }
      return fail("unexpected EOF");
    }
    textOrAction(): Node {
      const token = nextNonSpace();
      switch (token.typ) {
        case T.Text:
          return { kind: "text", pos: token.pos, tree: this.tree, text: token.val };
        case T.LeftDelim: {
          this.actionLine = token.line;
          try {
            return this.action();
          } finally {
            this.actionLine = 0;
          }
        }
        default:
          return this.unexpected(token, "input");
      }
    }
    action(): Node {
      const token = nextNonSpace();
      switch (token.typ) {
        case T.Block:
          return this.blockControl();
        case T.Break:
          return this.loopControl(token, "break");
        case T.Continue:
          return this.loopControl(token, "continue");
        case T.Else:
          return this.elseControl();
        case T.End:
          return { kind: "end", pos: this.expect(T.RightDelim, "end").pos, tree: this.tree };
        case T.If:
          return this.branch("if");
        case T.Range:
          return this.branch("range");
        case T.Template:
          return this.templateControl();
        case T.With:
          return this.branch("with");
      }
      backup();
      const t = peek();
      return {
        kind: "action",
        pos: t.pos,
        line: t.line,
        tree: this.tree,
        pipe: this.pipeline("command", T.RightDelim),
      };
    }
    loopControl(token: Token, word: "break" | "continue"): Node {
      const t = nextNonSpace();
      if (t.typ !== T.RightDelim) this.unexpected(t, `{{${word}}}`);
      if (this.rangeDepth === 0) fail(`{{${word}}} outside {{range}}`);
      return { kind: word, pos: token.pos, line: token.line, tree: this.tree };
    }
    elseControl(): Node {
      const p = peekNonSpace();
      if (p.typ === T.If || p.typ === T.With) return { kind: "else", pos: p.pos, line: p.line, tree: this.tree };
      const t = this.expect(T.RightDelim, "else");
      return { kind: "else", pos: t.pos, line: t.line, tree: this.tree };
    }
    branch(context: "if" | "range" | "with"): BranchNode {
      const nvars = this.vars.length;
      try {
        const pipe = this.pipeline(context, T.RightDelim);
        if (context === "range") this.rangeDepth++;
        let [list, nxt] = this.itemList();
        if (context === "range") this.rangeDepth--;
        let elseList: ListNode | null = null;
        if (nxt.kind === "else") {
          if (context === "if" && peek().typ === T.If) {
            next();
            elseList = this.list(nxt.pos);
            elseList.nodes.push(this.branch("if"));
          } else if (context === "with" && peek().typ === T.With) {
            next();
            elseList = this.list(nxt.pos);
            elseList.nodes.push(this.branch("with"));
          } else {
            [elseList, nxt] = this.itemList();
            if (nxt.kind !== "end") fail(`expected end; found ${nodeString(nxt)}`);
          }
        }
        return { kind: context, pos: pipe.pos, line: pipe.line, tree: this.tree, pipe, list, elseList };
      } finally {
        this.vars.length = nvars;
      }
    }
    templateName(token: Token, context: string): string {
      if (token.typ !== T.String && token.typ !== T.RawString) this.unexpected(token, context);
      return unquoteOrFail(token.val);
    }
    blockControl(): TemplateNode {
      const context = "block clause";
      const token = nextNonSpace();
      const tname = this.templateName(token, context);
      const pipe = this.pipeline(context, T.RightDelim);
      const block = new TreeParser(tname);
      const [list, end] = block.itemList();
      block.tree.root = list;
      if (end.kind !== "end") fail(`unexpected ${nodeString(end)} in ${context}`);
      block.add();
      return { kind: "template", pos: token.pos, line: token.line, tree: this.tree, name: tname, pipe };
    }
    templateControl(): TemplateNode {
      const context = "template clause";
      const token = nextNonSpace();
      const tname = this.templateName(token, context);
      let pipe: PipeNode | null = null;
      if (nextNonSpace().typ !== T.RightDelim) {
        backup();
        pipe = this.pipeline(context, T.RightDelim);
      }
      return { kind: "template", pos: token.pos, line: token.line, tree: this.tree, name: tname, pipe };
    }
    pipeline(context: string, end: T): PipeNode {
      const first = peekNonSpace();
      const pipe: PipeNode = {
        kind: "pipe",
        pos: first.pos,
        line: first.line,
        tree: this.tree,
        isAssign: false,
        decl: [],
        cmds: [],
      };
      for (;;) {
        const v = peekNonSpace();
        if (v.typ !== T.Variable) break;
        const vIdx = idx;
        next();
        const nx = peekNonSpace();
        if (nx.typ === T.Assign || nx.typ === T.Declare) {
          pipe.isAssign = nx.typ === T.Assign;
          nextNonSpace();
          pipe.decl.push(this.variable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (nx.typ === T.Char && nx.val === ",") {
          nextNonSpace();
          pipe.decl.push(this.variable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === "range" && pipe.decl.length < 2) {
            const p = peekNonSpace().typ;
            if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue;
            fail("range can only initialize variables");
          }
          fail(`too many declarations in ${context}`);
        } else {
          idx = vIdx;
        }
        break;
      }
      for (;;) {
        const token = nextNonSpace();
        if (token.typ === end) {
          this.checkPipeline(pipe, context);
          return pipe;
        }
        switch (token.typ) {
          case T.Bool:
          case T.CharConstant:
          case T.Complex:
          case T.Dot:
          case T.Field:
          case T.Identifier:
          case T.Number:
          case T.Nil:
          case T.RawString:
          case T.String:
          case T.Variable:
          case T.LeftParen:
            backup();
            pipe.cmds.push(this.command());
            break;
          default:
            this.unexpected(token, context);
        }
      }
    }
    checkPipeline(pipe: PipeNode, context: string): void {
      if (pipe.cmds.length === 0) fail(`missing value for ${context}`);
      for (let i = 1; i < pipe.cmds.length; i++) {
        const k = pipe.cmds[i]!.args[0]!.kind;
        if (k === "bool" || k === "dot" || k === "nil" || k === "number" || k === "string") {
          fail(`non executable command in pipeline stage ${i + 1}`);
        }
      }
    }
    command(): CommandNode {
      const cmd: CommandNode = { kind: "command", pos: peekNonSpace().pos, tree: this.tree, args: [] };
      for (;;) {
        peekNonSpace();
        const operand = this.operand();
        if (operand) cmd.args.push(operand);
        const token = next();
        if (token.typ === T.Space) continue;
        if (token.typ === T.RightDelim || token.typ === T.RightParen) backup();
        else if (token.typ !== T.Pipe) this.unexpected(token, "operand");
        break;
      }
      if (cmd.args.length === 0) fail("empty command");
      return cmd;
    }
    operand(): Node | null {
      let node = this.term();
      if (!node) return null;
      if (peek().typ === T.Field) {
        const chain: ChainNode = { kind: "chain", pos: peek().pos, tree: this.tree, node, field: [] };
        while (peek().typ === T.Field) chain.field.push(next().val.slice(1));
        switch (node.kind) {
          case "field":
            node = { kind: "field", pos: chain.pos, tree: this.tree, ident: [...node.ident, ...chain.field] };
            break;
          case "variable":
            node = { kind: "variable", pos: chain.pos, tree: this.tree, ident: [...node.ident, ...chain.field] };
            break;
          case "bool":
          case "string":
          case "number":
          case "nil":
          case "dot":
            fail(`unexpected . after term ${goQuote(nodeString(node))}`);
            break;
          default:
            node = chain;
        }
      }
      return node;
    }
    term(): Node | null {
      const token = nextNonSpace();
      switch (token.typ) {
        case T.Identifier:
          if (!opts.hasFunction(token.val)) fail(`function ${goQuote(token.val)} not defined`);
          return { kind: "identifier", pos: token.pos, tree: this.tree, ident: token.val };
        case T.Dot:
          return { kind: "dot", pos: token.pos, tree: this.tree };
        case T.Nil:
          return { kind: "nil", pos: token.pos, tree: this.tree };
        case T.Variable: {
          const v = this.variable(token.pos, token.val);
          if (!this.vars.includes(v.ident[0]!)) fail(`undefined variable ${goQuote(v.ident[0]!)}`);
          return v;
        }
        case T.Field:
          return { kind: "field", pos: token.pos, tree: this.tree, ident: token.val.slice(1).split(".") };
        case T.Bool:
          return { kind: "bool", pos: token.pos, tree: this.tree, value: token.val === "true" };
        case T.CharConstant:
        case T.Complex:
        case T.Number:
          return this.number(token);
        case T.LeftParen:
          return this.pipeline("parenthesized pipeline", T.RightParen);
        case T.String:
        case T.RawString:
          return { kind: "string", pos: token.pos, tree: this.tree, quoted: token.val, text: unquoteOrFail(token.val) };
      }
      backup();
      return null;
    }
    variable(pos: number, val: string): VariableNode {
      return { kind: "variable", pos, tree: this.tree, ident: val.split(".") };
    }
    number(token: Token): NumberNode {
      const n: NumberNode = {
        kind: "number",
        pos: token.pos,
        tree: this.tree,
        text: token.val,
        isInt: false,
        isUint: false,
        isFloat: false,
        int: 0n,
        float: 0,
      };
      const text = token.val;
      if (token.typ === T.CharConstant) {
        let ch: string;
        let tail: string;
        try {
          [ch, tail] = unquoteChar(text.slice(1), "'");
        } catch {
          return fail("invalid syntax");
        }
        if (tail !== "'") fail(`malformed character constant: ${text}`);
        const cp = ch.codePointAt(0)!;
        n.isInt = n.isUint = n.isFloat = true;
        n.int = BigInt(cp);
        n.float = cp;
        return n;
      }
      if (token.typ === T.Complex || text.endsWith("i")) {
        return fail(`complex constants are not supported: ${goQuote(text)}`);
      }
      const u = parseIntBase0(text, true);
      const i = parseIntBase0(text, false);
      if (u !== undefined) n.isUint = true;
      if (i !== undefined) {
        n.isInt = true;
        n.int = i;
        if (i === 0n) n.isUint = true;
      }
      if (n.isInt) {
        n.isFloat = true;
        n.float = Number(n.int);
      } else if (n.isUint) {
        n.isFloat = true;
        n.float = Number(u);
      } else {
        const f = parseFloat64(text);
        if (f !== undefined) {
          if (!/[.eEpP]/.test(text)) fail(`integer overflow: ${goQuote(text)}`);
          n.isFloat = true;
          n.float = f;
          if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
            n.isInt = true;
            n.int = BigInt(f);
          }
          if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) n.isUint = true;
        }
      }
      if (!n.isInt && !n.isUint && !n.isFloat) fail(`illegal number syntax: ${goQuote(text)}`);
      return n;
    }
  }

  function unquoteOrFail(lit: string): string {
    try {
      return unquote(lit);
    } catch {
      return fail("invalid syntax");
    }
  }

  const main = new TreeParser(name);
  main.parseMain();
  return treeSet;
}

export type { BranchNode };
