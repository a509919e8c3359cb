/**
 * Evaluator for parsed Go text/template trees (Go's text/template/exec.go semantics):
 * variables, pipelines, field chains, control structures, function calls and bounded execution.
 */
import { oversized, withSizeLimits } from "./budget.js";
import { BUILTIN_SIGNATURES, BUILTINS } from "./builtins.js";
import { callErrorKind } from "./error-kind.js";
import { memoryLimitMessage, TemplateError, type TemplateLimit, TemplateLimitError, timeoutMessage } from "./errors.js";
import { sprint } from "./fmt.js";
import { GoDuration } from "./go-duration.js";
import { GoInt, GoNamedInt, type SizedIntType } from "./go-ints.js";
import { goMethod, goStructField } from "./go-reflect.js";
import { freshBytes, heldBytes, onHeap } from "./memory.js";
import type {
  ChainNode,
  CommandNode,
  FieldNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  Tree,
  VariableNode,
} from "./nodes.js";
import { nodeString } from "./nodes.js";
import {
  arityError,
  funcSignature,
  GoArgError,
  type GoParamType,
  type GoSignature,
  paramAt,
  passAs,
} from "./signature.js";
import { parseIntBase0, quote } from "./strconv.js";
import {
  type FuncMap,
  type GoMap,
  goIntValue,
  goTypeName,
  isMap,
  isTrue,
  mapElemType,
  sliceElemType,
  sortedKeys,
  type TemplateFunc,
  toGoString,
} from "./values.js";

export interface Limits {
  /** Evaluation steps (nodes walked plus commands evaluated). */
  maxSteps: number;
  /** Output size in UTF-16 code units. */
  maxOutputBytes: number;
  /** Elements one range may iterate over. */
  maxRangeLength: number;
  /** Nesting of {{template}} / {{block}} calls. */
  maxDepth: number;
  /** Elements (counted with repeats through nested values) in a list or dict one function call returns. */
  maxValueSize: number;
  /** Bytes the template may hold at once in variables, results and output, beyond its input data (0: no budget). */
  maxMemoryBytes: number;
  /** Wall-clock deadline of one execution in ms, checked between steps and function calls (0: none). */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxSteps: 1_000_000,
  maxOutputBytes: 4 * 1024 * 1024,
  maxRangeLength: 100_000,
  maxDepth: 100,
  maxValueSize: 1_000_000,
  maxMemoryBytes: 64 * 1024 * 1024,
  timeoutMs: 0,
};

export type MissingKey = "default" | "zero" | "error";

/** A parsed template set: the main tree plus its definitions. */
export interface ParsedTemplate {
  name: string;
  trees: Map<string, Tree>;
}

const MISSING: unique symbol = Symbol("missing");
type Final = unknown | typeof MISSING;

class Signal {
  constructor(readonly kind: "break" | "continue") {}
}
const BREAK = new Signal("break");
const CONTINUE = new Signal("continue");

interface Variable {
  name: string;
  value: unknown;
  /** Static Go type when the value came out of an interface-typed container (for error text). */
  type: string | undefined;
}

function byteLen(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, "utf8");
  return s.length;
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === "0" && (s[1] === "x" || s[1] === "X") && !/[pP]/.test(s);
}

const LITERAL_KINDS = new Set(["string", "number", "bool", "nil"]);

/** What Go's evalArg calls a constant of each parameter kind it converts constants to. */
const CONSTANT_KINDS: Partial<Record<GoParamType["kind"], string>> = {
  bool: "bool",
  int: "integer",
  uint: "unsigned integer",
  float: "float",
  string: "string",
};

/** Whether a function result is an object that may hold much (not a number-like value such as an int64). */
function isContainer(v: unknown): boolean {
  return (
    typeof v === "object" && v !== null && !(v instanceof GoInt || v instanceof GoDuration || v instanceof GoNamedInt)
  );
}

/** An integer constant as a value of the parameter's integer type. */
function intConstant(t: GoParamType, n: bigint): unknown {
  if (t.name === "int") return n;
  if (t.name === "time.Duration") return new GoDuration(n);
  return new GoInt(n, t.name as SizedIntType);
}

class State {
  out = "";
  steps = 0;
  node: Node | null = null;
  vars: Variable[];
  dotType: string | undefined = undefined;
  depth = 0;
  tmplName: string;
  /** Values held outside variables while they are in use: ranged and `with` values, arguments being built. */
  readonly held: unknown[] = [];
  /** Variable frames of the templates that called the running one. */
  readonly frames: Variable[][] = [];
  /** The input data's objects, which the memory budget leaves out. */
  private readonly input = new WeakSet<object>();
  /** Bytes held at the last measurement, and bytes function results built since. */
  private lastHeld = 0;
  private allocated = 0;
  /** What is held may exceed the budget: measure at the next step. */
  private measureDue = false;
  private readonly deadline: number;

  constructor(
    readonly tmpl: ParsedTemplate,
    readonly funcs: FuncMap,
    readonly missingKey: MissingKey,
    readonly limits: Limits,
    data: unknown,
  ) {
    this.tmplName = tmpl.name;
    this.vars = [{ name: "$", value: data, type: undefined }];
    if (limits.maxMemoryBytes > 0) heldBytes([data], { seen: this.input });
    this.deadline = limits.timeoutMs > 0 ? performance.now() + limits.timeoutMs : Number.POSITIVE_INFINITY;
  }

  location(): string {
    const name = this.tmplName;
    if (!this.node) return `template: ${name}: `;
    const n = this.node;
    const text = n.tree.text.slice(0, n.pos);
    const nl = text.lastIndexOf("\n");
    let line = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    const col = byteLen(text.slice(nl + 1));
    const loc = `${n.tree.parseName}:${line}:${col}`;
    return `template: ${loc}: executing ${quote(name)} at <${nodeString(n)}>: `;
  }

  /** Throws Go's error for `msg`; `safeMsg` replaces it where the message may show argument values. */
  errorf(msg: string, safeMsg?: string): never {
    const loc = this.location();
    throw new TemplateError(loc + msg, loc + (safeMsg ?? msg));
  }

  limitError(limit: TemplateLimit, msg: string): never {
    throw new TemplateLimitError(limit, this.location() + msg);
  }

  step(): void {
    if (this.measureDue) this.measure();
    if (++this.steps > this.limits.maxSteps) {
      this.errorf(`template execution exceeded the limit of ${this.limits.maxSteps} steps`);
    }
    if ((this.steps & 255) === 0) this.checkDeadline();
  }

  checkDeadline(): void {
    if (performance.now() > this.deadline) this.limitError("timeout", timeoutMessage(this.limits.timeoutMs));
  }

  /**
   * Counts what a function result built against the memory budget. Once the last measurement plus everything
   * built since could exceed the budget, what is held is measured at the next step: by then the result has been
   * stored, and a list that `append` replaced (sharing its elements with the new one) is no longer held.
   */
  charge(result: unknown, args: unknown[]): void {
    if (this.limits.maxMemoryBytes <= 0) return;
    this.allocated += freshBytes(result, args, this.input);
    if (this.lastHeld + this.allocated > this.limits.maxMemoryBytes) this.measureDue = true;
  }

  /** Walks variables, held values and output; throws when they hold more than the budget. */
  measure(): void {
    const budget = this.limits.maxMemoryBytes;
    this.measureDue = false;
    const held = heldBytes([this.vars, this.frames, this.held, this.out], { stopAbove: budget, excluded: this.input });
    if (held > budget) this.limitError("memory", memoryLimitMessage(budget));
    this.lastHeld = held;
    this.allocated = 0;
  }

  write(s: string): void {
    this.out += s;
    if (this.out.length > this.limits.maxOutputBytes) {
      this.errorf(`template output exceeded the limit of ${this.limits.maxOutputBytes} bytes`);
    }
  }

  // ------------------------------------------------------------ variables

  push(name: string, value: unknown, type?: string): void {
    this.vars.push({ name, value, type });
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        v.type = undefined;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: unknown, type: string | undefined): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.type = type;
  }

  varLookup(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!;
    return this.errorf(`undefined variable: ${name}`);
  }

  // ------------------------------------------------------------ walking

  walk(dot: unknown, node: Node): void {
    this.node = node;
    this.step();
    switch (node.kind) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      case "if":
      case "with":
        this.walkIfOrWith(node.kind, dot, node.pipe, node.list, node.elseList);
        return;
      case "list":
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case "range":
        this.walkRange(dot, node.pipe, node.list, node.elseList);
        return;
      case "template":
        this.walkTemplate(dot, node.name, node.pipe);
        return;
      case "text":
        this.write(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkIfOrWith(kind: "if" | "with", dot: unknown, pipe: PipeNode, list: ListNode, elseList: ListNode | null): void {
    const mark = this.vars.length;
    const heldMark = this.held.length;
    try {
      const val = this.evalPipeline(dot, pipe);
      this.held.push(val);
      if (isTrue(val)) {
        if (kind === "with") {
          const saved = this.dotType;
          this.dotType = undefined;
          try {
            this.walk(val, list);
          } finally {
            this.dotType = saved;
          }
        } else this.walk(dot, list);
      } else if (elseList) this.walk(dot, elseList);
    } finally {
      this.vars.length = mark;
      this.held.length = heldMark;
    }
  }

  walkRange(dot: unknown, pipe: PipeNode, list: ListNode, elseList: ListNode | null): void {
    const outerMark = this.vars.length;
    const heldMark = this.held.length;
    const savedDotType = this.dotType;
    try {
      const rangeNode = this.node!;
      const val = this.evalPipeline(dot, pipe);
      this.held.push(val);
      // Go reports range errors at the last node its pipeline evaluated (s.node is not reset).
      const mark = this.vars.length;
      const decl = pipe.decl;
      const one = (index: unknown, elem: unknown, elemType: string | undefined): boolean => {
        if (decl.length > 0) {
          if (pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem, elemType);
        }
        if (decl.length > 1) {
          if (pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index, undefined);
        }
        this.dotType = elemType;
        try {
          this.walk(elem, list);
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = mark;
        }
        return true;
      };
      const checkLen = (n: number): void => {
        if (n > this.limits.maxRangeLength) {
          this.node = rangeNode;
          this.errorf(`range over ${n} elements exceeds the limit of ${this.limits.maxRangeLength}`);
        }
      };
      if (Array.isArray(val) || val instanceof Uint8Array) {
        if (val.length > 0) {
          checkLen(val.length);
          const et = Array.isArray(val) ? sliceElemType(val) : "uint8";
          const st = et === "interface {}" ? et : undefined;
          for (let i = 0; i < val.length; i++) {
            const elem = Array.isArray(val) ? (val[i] ?? null) : new GoInt(BigInt(val[i]!), "uint8");
            if (!one(BigInt(i), elem, st)) break;
          }
          return;
        }
      } else if (isMap(val)) {
        const keys = sortedKeys(val);
        if (keys.length > 0) {
          checkLen(keys.length);
          const et = mapElemType(val);
          const st = et === "interface {}" ? et : undefined;
          for (const k of keys) if (!one(k, val[k] ?? null, st)) break;
          return;
        }
      } else if (goIntValue(val) !== undefined) {
        if (decl.length > 1) {
          this.errorf(
            `can't use ${toGoString(val)} to iterate over more than one variable`,
            `can't use a value of type ${goTypeName(val)} to iterate over more than one variable`,
          );
        }
        const n = goIntValue(val)!;
        if (n > 0n) {
          checkLen(Number(n));
          for (let i = 0n; i < n; i++) {
            const v =
              val instanceof GoInt
                ? new GoInt(i, val.type)
                : val instanceof GoDuration
                  ? new GoDuration(i)
                  : val instanceof GoNamedInt
                    ? val.with(i)
                    : i;
            if (!one(v, v, undefined)) break;
          }
          return;
        }
      } else if (val !== undefined && val !== null) {
        this.errorf(
          `range can't iterate over ${toGoString(val)}`,
          `range can't iterate over a value of type ${goTypeName(val)}`,
        );
      }
      if (elseList) {
        this.dotType = savedDotType;
        this.walk(dot, elseList);
      }
    } finally {
      this.vars.length = outerMark;
      this.held.length = heldMark;
      this.dotType = savedDotType;
    }
  }

  walkTemplate(dot: unknown, name: string, pipe: PipeNode | null): void {
    const node = this.node!;
    const tree = this.tmpl.trees.get(name);
    if (!tree) this.errorf(`template ${quote(name)} not defined`);
    if (this.depth >= this.limits.maxDepth) {
      this.errorf(`exceeded maximum template depth (${this.limits.maxDepth})`);
    }
    const newDot = pipe ? this.evalPipeline(dot, pipe) : undefined;
    this.node = node;
    const saved = { vars: this.vars, name: this.tmplName, dotType: this.dotType };
    this.vars = [{ name: "$", value: newDot, type: undefined }];
    this.tmplName = name;
    this.dotType = undefined;
    this.depth++;
    this.frames.push(saved.vars);
    this.held.push(newDot);
    try {
      this.walk(newDot, tree.root);
    } finally {
      this.frames.pop();
      this.held.pop();
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
      this.dotType = saved.dotType;
    }
  }

  printValue(node: Node, v: unknown): void {
    this.node = node;
    if (v === undefined || v === null) {
      this.write("<no value>");
      return;
    }
    if (typeof v === "string") {
      this.write(v);
      return;
    }
    // an integer prints in decimal (the common case, without a printer)
    if (typeof v === "bigint" || v instanceof GoInt) {
      this.write(String(typeof v === "bigint" ? v : v.n));
      return;
    }
    if (typeof v === "function") this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(v)}`);
    this.write(sprint([v]));
  }

  // ------------------------------------------------------------ evaluation

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.node = pipe;
    let value: unknown = MISSING;
    const slot = this.held.length;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value === null) value = undefined;
      this.held[slot] = value; // the next command's argument, held while that command evaluates the others
    }
    this.held.length = slot;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.push(v.ident[0]!, value);
    }
    return value;
  }

  notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
    }
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    this.step();
    const first = cmd.args[0]!;
    switch (first.kind) {
      case "field":
        this.node = first;
        return this.evalFieldChain(dot, dot, this.dotType, first, first.ident, cmd.args, final);
      case "chain":
        return this.evalChainNode(dot, first, cmd.args, final);
      case "identifier":
        this.node = first;
        return this.evalFunction(dot, first.ident, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        return this.errorf("nil is not a command");
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    return this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  idealConstant(n: NumberNode): unknown {
    this.node = n;
    if (n.isFloat && !isHexInt(n.text) && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return n.int;
    if (n.isUint) return this.errorf(`${n.text} overflows int`);
    return n.float;
  }

  evalChainNode(dot: unknown, chain: ChainNode, args: Node[], final: Final): unknown {
    this.node = chain;
    if (chain.node.kind === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    let recv = this.evalArg(dot, chain.node, false);
    if (recv === null) recv = undefined;
    return this.evalFieldChain(dot, recv, undefined, chain, chain.field, args, final);
  }

  evalVariableNode(dot: unknown, v: VariableNode, args: Node[], final: Final): unknown {
    this.node = v;
    const variable = this.varLookup(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return variable.value;
    }
    return this.evalFieldChain(dot, variable.value, variable.type, v, v.ident.slice(1), args, final);
  }

  evalFieldChain(
    dot: unknown,
    receiver: unknown,
    recvType: string | undefined,
    node: FieldNode | ChainNode | VariableNode,
    ident: string[],
    args: Node[],
    final: Final,
  ): unknown {
    const n = ident.length;
    let type = recvType;
    for (let i = 0; i < n - 1; i++) {
      const [v, t] = this.evalField(dot, ident[i]!, node, [], MISSING, receiver, type);
      receiver = v;
      type = t;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, type)[0];
  }

  evalField(
    dot: unknown,
    name: string,
    node: Node,
    args: Node[],
    final: Final,
    receiver: unknown,
    recvType: string | undefined,
  ): [unknown, string | undefined] {
    if (receiver === undefined) {
      if (this.missingKey === "error") this.errorf(`nil data; no entry for key ${quote(name)}`);
      return [undefined, undefined];
    }
    if (receiver === null) this.errorf(`nil pointer evaluating ${recvType ?? "interface {}"}.${name}`);
    const method = goMethod(receiver, name);
    if (method) return [this.evalCall(dot, method, false, node, name, args, final, receiver), undefined];
    const hasArgs = args.length > 1 || final !== MISSING;
    const field = goStructField(receiver, name);
    if (field) {
      if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
      return [field.value, undefined];
    }
    if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      const et = mapElemType(receiver);
      const st = et === "interface {}" ? et : undefined;
      if (Object.hasOwn(receiver, name)) {
        const v = (receiver as GoMap)[name];
        return [v === undefined ? null : v, st];
      }
      switch (this.missingKey) {
        case "zero":
          return [et === "string" ? "" : null, st];
        case "error":
          return this.errorf(`map has no entry for key ${quote(name)}`);
        default:
          return [undefined, undefined];
      }
    }
    return this.errorf(`can't evaluate field ${name} in type ${recvType ?? goTypeName(receiver)}`);
  }

  evalFunction(dot: unknown, name: string, cmd: Node, args: Node[], final: Final): unknown {
    let fn: TemplateFunc | undefined;
    let isBuiltin = false;
    if (Object.hasOwn(this.funcs, name)) fn = this.funcs[name];
    else if (Object.hasOwn(BUILTINS, name) || name === "and" || name === "or" || name === "call") {
      fn = BUILTINS[name];
      isBuiltin = true;
    }
    if (!fn && !isBuiltin) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, fn, isBuiltin, cmd, name, args, final, MISSING);
  }

  evalCall(
    dot: unknown,
    fn: TemplateFunc | undefined,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args: Node[],
    final: Final,
    receiver: unknown,
  ): unknown {
    const argNodes = args.length > 0 ? args.slice(1) : args;
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    // A function without a declared signature takes any number of interface{} arguments.
    const sig = isBuiltin ? BUILTIN_SIGNATURES[name] : fn ? funcSignature(fn) : undefined;
    if (sig && (sig.variadic ? numIn < sig.params.length : numIn !== sig.params.length)) {
      this.errorf(arityError(sig, name, numIn, argNodes.length)!);
    }
    if (isBuiltin && (name === "and" || name === "or")) {
      let v: unknown;
      for (const a of argNodes) {
        v = this.evalArg(dot, a, true);
        if (isTrue(v) === (name === "or")) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: unknown[] = [];
    const heldMark = this.held.length;
    this.held.push(argv);
    try {
      return this.callWith(dot, fn, isBuiltin, node, name, sig, argNodes, argv, final, receiver);
    } finally {
      this.held.length = heldMark;
    }
  }

  callWith(
    dot: unknown,
    fn: TemplateFunc | undefined,
    isBuiltin: boolean,
    node: Node,
    name: string,
    sig: GoSignature | undefined,
    argNodes: Node[],
    argv: unknown[],
    final: Final,
    receiver: unknown,
  ): unknown {
    for (let i = 0; i < argNodes.length; i++) {
      const t = sig === undefined ? undefined : i < sig.params.length ? sig.params[i] : sig.variadic;
      argv.push(
        t === undefined || t.kind === "interface"
          ? this.evalArg(dot, argNodes[i]!, false)
          : this.evalArgAs(dot, argNodes[i]!, t),
      );
    }
    // Go checks the pipeline's value against the parameter it fills, at the node evaluated last.
    if (final !== MISSING) {
      const t = sig && paramAt(sig, argNodes.length);
      argv.push(t === undefined || t.kind === "interface" ? (final ?? null) : this.pass(final, t));
    }
    const fromTemplateOnly =
      receiver === MISSING && final === MISSING && argNodes.every((a) => LITERAL_KINDS.has(a.kind));
    if (isBuiltin && name === "call") return this.callBuiltin(node, argNodes, argv, fromTemplateOnly);
    let result: unknown;
    try {
      result = receiver === MISSING ? fn!(...argv) : fn!(receiver, ...argv);
    } catch (e) {
      if (e instanceof TemplateError || e === BREAK || e === CONTINUE) throw e;
      this.node = node;
      const detail = e instanceof Error ? e.message : String(e);
      // Arguments written in the template are no secret; anything computed may be one, in any transformed form.
      const safe = fromTemplateOnly ? detail : callErrorKind(detail);
      return this.errorf(`error calling ${name}: ${detail}`, `error calling ${name}: ${safe}`);
    }
    // Go leaves s.node at the last node evaluated when a call succeeds; later errors (range over the result,
    // a type check) are reported there.
    const lastEvaluated = this.node;
    this.node = node;
    this.checkDeadline();
    if (typeof result === "string" && this.limits.maxMemoryBytes > 0) result = onHeap(result);
    // A value handed back unchanged was not built here; anything new must fit the size limits.
    if ((typeof result === "string" || isContainer(result)) && result !== receiver) {
      const big = argv.includes(result) ? undefined : oversized(result);
      if (big) {
        this.node = node;
        this.errorf(`error calling ${name}: ${big}`);
      }
      if (!argv.includes(result)) {
        this.node = node;
        this.charge(result, receiver === MISSING ? argv : [receiver, ...argv]);
      }
    }
    this.node = lastEvaluated;
    return result;
  }

  /** Go's evalArg for a parameter of type `t` other than interface{}. */
  evalArgAs(dot: unknown, n: Node, t: GoParamType): unknown {
    if (t.kind === "reflect") return this.evalArg(dot, n, true);
    this.node = n;
    switch (n.kind) {
      case "nil":
        if (t.canBeNil) return null;
        return this.errorf(`cannot assign nil to ${t.name}`);
      case "bool":
        if (t.kind === "bool") return n.value;
        break;
      case "string":
        if (t.kind === "string") return n.text;
        break;
      case "number":
        if (t.kind === "int" && n.isInt) return intConstant(t, n.int);
        if (t.kind === "uint" && n.isUint) return intConstant(t, parseIntBase0(n.text, true) ?? n.int);
        if (t.kind === "float" && n.isFloat) return n.float;
        break;
      default:
        return this.pass(this.evalArg(dot, n, true), t);
    }
    // a constant of a kind the parameter cannot take
    const found = nodeString(n);
    const expected = CONSTANT_KINDS[t.kind];
    return this.errorf(
      expected ? `expected ${expected}; found ${found}` : `can't handle ${found} for arg of type ${t.name}`,
    );
  }

  /** Go's validateType: `v` as an argument of type `t`, failing at the current node. */
  pass(v: unknown, t: GoParamType): unknown {
    try {
      return passAs(v, t);
    } catch (e) {
      if (e instanceof GoArgError) return this.errorf(e.message);
      throw e;
    }
  }

  callBuiltin(node: Node, argNodes: Node[], argv: unknown[], fromTemplateOnly: boolean): unknown {
    const fn = argv[0];
    const calleeName = argNodes.length > 0 ? nodeString(argNodes[0]!) : toGoString(fn);
    const fail = (msg: string, safe = msg): never => {
      this.node = node;
      return this.errorf(`error calling call: ${msg}`, `error calling call: ${safe}`);
    };
    if (fn === undefined || fn === null) return fail("call of nil");
    if (typeof fn !== "function") return fail(`non-function ${calleeName} of type ${goTypeName(fn)}`);
    try {
      return (fn as TemplateFunc)(...argv.slice(1).map((a) => (a === undefined ? null : a)));
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      const detail = e instanceof Error ? e.message : String(e);
      const safe = fromTemplateOnly ? detail : callErrorKind(detail);
      return fail(`error calling ${calleeName}: ${detail}`, `error calling ${calleeName}: ${safe}`);
    }
  }

  /** Evaluate an argument; `keepInvalid` keeps Go's invalid value (undefined) instead of nil (null). */
  evalArg(dot: unknown, n: Node, keepInvalid: boolean): unknown {
    this.node = n;
    let v: unknown;
    switch (n.kind) {
      case "dot":
        v = dot;
        break;
      case "nil":
        return keepInvalid ? undefined : null;
      case "field":
        v = this.evalFieldChain(dot, dot, this.dotType, n, n.ident, [n], MISSING);
        break;
      case "variable":
        v = this.evalVariableNode(dot, n, [], MISSING);
        break;
      case "pipe":
        v = this.evalPipeline(dot, n);
        break;
      case "identifier":
        v = this.evalFunction(dot, n.ident, n, [n], MISSING);
        break;
      case "chain":
        v = this.evalChainNode(dot, n, [], MISSING);
        break;
      case "bool":
        return n.value;
      case "number":
        return this.idealConstant(n);
      case "string":
        return n.text;
      default:
        return this.errorf(`can't handle ${nodeString(n)} for arg`);
    }
    if (v === undefined && !keepInvalid) return null;
    return v;
  }
}

/** Execute a parsed template with data; returns the output or throws TemplateError. */
export function executeTemplate(
  tmpl: ParsedTemplate,
  data: unknown,
  funcs: FuncMap,
  missingKey: MissingKey,
  limits: Limits,
): string {
  const main = tmpl.trees.get(tmpl.name);
  const s = new State(tmpl, funcs, missingKey, limits, data === null ? undefined : data);
  if (!main) return s.errorf(`${quote(tmpl.name)} is an incomplete or empty template`);
  try {
    withSizeLimits(limits, () => s.walk(data === null ? undefined : data, main.root));
  } catch (e) {
    if (e instanceof Signal) throw new TemplateError(`template: ${tmpl.name}: unexpected ${e.kind}`);
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      throw new TemplateError(`template: ${tmpl.name}: template nesting too deep`);
    }
    throw e;
  }
  return s.out;
}
