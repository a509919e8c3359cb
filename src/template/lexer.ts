/**
 * Lexer for Go text/template: splits source into text and action tokens, following the
 * state machine of Go's text/template/parse/lex.go (trim markers, comments, nested parens,
 * raw strings, char constants and Go number syntax).
 */

import { isDigit, isLetter, isPrintRune } from "./funcs/unicode.js";

export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // keywords
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Token {
  typ: T;
  pos: number; // index into the source (UTF-16 units)
  val: string;
  line: number;
}

const KEYWORDS: Record<string, T> = {
  ".": T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

export interface LexOptions {
  breakOK: boolean;
  continueOK: boolean;
}

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80) {
    return c === "_" || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  }
  // Go's unicode tables, not the JS engine's newer ones
  const cp = c.codePointAt(0)!;
  return isLetter(cp) || isDigit(cp);
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s[i] === "-" && isSpace(s[i + 1]);
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return isSpace(s[i]) && s[i + 1] === "-";
}

function leftTrimLength(s: string, i: number): number {
  let j = i;
  while (j < s.length && isSpace(s[j])) j++;
  return j - i;
}

/** Tokenize a template; the token list ends with EOF or an Error token. */
export function lex(input: string, leftDelim: string, rightDelim: string, opts: LexOptions): Token[] {
  const ld = leftDelim || "{{";
  const rd = rightDelim || "}}";
  const out: Token[] = [];
  let start = 0;
  let pos = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const countLines = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) if (input.charCodeAt(i) === 10) n++;
    return n;
  };
  const emit = (typ: T): void => {
    out.push({ typ, pos: start, val: input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countLines(start, pos);
    start = pos;
    startLine = line;
  };
  const advance = (n: number): void => {
    line += countLines(pos, pos + n);
    pos += n;
  };
  const next = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const c = input[pos++];
    if (c === "\n") line++;
    return c;
  };
  const backup = (): void => {
    pos--;
    if (input[pos] === "\n") line--;
  };
  const peek = (): string | undefined => input[pos];
  /** The next code point (both halves of a surrogate pair): identifiers may hold letters beyond the BMP. */
  const nextRune = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const c = String.fromCodePoint(input.codePointAt(pos)!);
    pos += c.length;
    if (c === "\n") line++;
    return c;
  };
  const backupRune = (c: string): void => {
    pos -= c.length;
    if (c === "\n") line--;
  };
  const error = (msg: string): Token[] => {
    out.push({ typ: T.Error, pos: start, val: msg, line: startLine });
    return out;
  };
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(rd, pos + 2)) return [true, true];
    if (input.startsWith(rd, pos)) return [true, false];
    return [false, false];
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (r === undefined || isSpace(r)) return true;
    switch (r) {
      case ".":
      case ",":
      case "|":
      case ":":
      case ")":
      case "(":
        return true;
    }
    return input.startsWith(rd, pos);
  };
  const accept = (valid: string): boolean => {
    const c = peek();
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };
  const scanNumber = (): boolean => {
    accept("+-");
    let digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits.length === 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length === 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(peek())) {
      pos++;
      return false;
    }
    return true;
  };

  // Text mode.
  for (;;) {
    const x = input.indexOf(ld, pos);
    if (x < 0) {
      pos = input.length;
      line += countLines(start, pos);
      if (pos > start) {
        out.push({ typ: T.Text, pos: start, val: input.slice(start, pos), line: startLine });
        start = pos;
        startLine = line;
      }
      out.push({ typ: T.EOF, pos, val: "", line: startLine });
      return out;
    }
    pos = x;
    line += countLines(start, pos);
    let textEnd = pos;
    if (hasLeftTrimMarker(input, pos + ld.length)) {
      while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    }
    if (textEnd > start) {
      out.push({ typ: T.Text, pos: start, val: input.slice(start, textEnd), line: startLine });
    }
    start = pos;
    startLine = line;

    // Left delimiter.
    pos += ld.length;
    const trimSpace = hasLeftTrimMarker(input, pos);
    const afterMarker = trimSpace ? 2 : 0;
    if (input.startsWith("/*", pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      // Comment.
      pos += 2;
      const end = input.indexOf("*/", pos);
      if (end < 0) return error("unclosed comment");
      advance(end + 2 - pos);
      const [delim, trim] = atRightDelim();
      if (!delim) return error("comment ends before closing delimiter");
      emit(T.Comment);
      if (trim) pos += 2;
      pos += rd.length;
      if (trim) pos += leftTrimLength(input, pos); // counted by ignore()
      ignore();
      continue;
    }
    emit(T.LeftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;

    // Inside action.
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return error("unclosed left paren");
        if (trim) {
          pos += 2;
          ignore();
        }
        pos += rd.length;
        emit(T.RightDelim);
        if (trim) {
          pos += leftTrimLength(input, pos); // counted by ignore()
          ignore();
        }
        break;
      }
      const r = next();
      if (r === undefined) return error("unclosed action");
      if (isSpace(r)) {
        backup();
        let numSpaces = 0;
        while (isSpace(peek())) {
          next();
          numSpaces++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(rd, pos - 1 + 2)) {
          backup();
          if (numSpaces === 1) continue;
        }
        emit(T.Space);
        continue;
      }
      switch (r) {
        case "=":
          emit(T.Assign);
          continue;
        case ":":
          if (next() !== "=") return error("expected :=");
          emit(T.Declare);
          continue;
        case "|":
          emit(T.Pipe);
          continue;
        case '"': {
          for (;;) {
            const c = next();
            if (c === "\\") {
              const e = next();
              if (e !== undefined && e !== "\n") continue;
              return error("unterminated quoted string");
            }
            if (c === undefined || c === "\n") return error("unterminated quoted string");
            if (c === '"') break;
          }
          emit(T.String);
          continue;
        }
        case "`": {
          const end = input.indexOf("`", pos);
          if (end < 0) return error("unterminated raw quoted string");
          advance(end + 1 - pos);
          emit(T.RawString);
          continue;
        }
        case "'": {
          for (;;) {
            const c = next();
            if (c === "\\") {
              const e = next();
              if (e !== undefined && e !== "\n") continue;
              return error("unterminated character constant");
            }
            if (c === undefined || c === "\n") return error("unterminated character constant");
            if (c === "'") break;
          }
          emit(T.CharConstant);
          continue;
        }
        case "$":
        case ".": {
          if (r === ".") {
            const c = input.charCodeAt(pos);
            // as Go's lexer: a "." that ends the input (or precedes a digit) is lexed as a number
            if (pos >= input.length || (c >= 48 && c <= 57)) {
              backup();
              if (!lexNumber()) return out;
              continue;
            }
          }
          if (atTerminator()) {
            emit(r === "$" ? T.Variable : T.Dot);
            continue;
          }
          let c: string | undefined;
          for (;;) {
            c = nextRune();
            if (!isAlphaNumeric(c)) {
              if (c !== undefined) backupRune(c);
              break;
            }
          }
          if (!atTerminator()) return error(`bad character ${goRuneU(c)}`);
          emit(r === "$" ? T.Variable : T.Field);
          continue;
        }
        case "(":
          emit(T.LeftParen);
          parenDepth++;
          continue;
        case ")":
          parenDepth--;
          if (parenDepth < 0) return error("unexpected right paren");
          emit(T.RightParen);
          continue;
      }
      const code = r.charCodeAt(0);
      if (r === "+" || r === "-" || (code >= 48 && code <= 57)) {
        backup();
        if (!lexNumber()) return out;
        continue;
      }
      if (isAlphaNumeric(r) || (code >= 0xd800 && code < 0xdc00 && isAlphaNumeric(fullRune(r)))) {
        backup();
        let c: string | undefined;
        for (;;) {
          c = nextRune();
          if (!isAlphaNumeric(c)) {
            if (c !== undefined) backupRune(c);
            break;
          }
        }
        if (!atTerminator()) return error(`bad character ${goRuneU(c)}`);
        const word = input.slice(start, pos);
        // Own keys only: "toString" or "constructor" are function names, not Object.prototype members.
        const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
        if (kw !== undefined && word !== ".") {
          if ((kw === T.Break && !opts.breakOK) || (kw === T.Continue && !opts.continueOK)) emit(T.Identifier);
          else emit(kw);
        } else if (word === "true" || word === "false") emit(T.Bool);
        else emit(T.Identifier);
        continue;
      }
      if (code < 0x80 && code >= 0x20 && code !== 0x7f) {
        emit(T.Char);
        continue;
      }
      return error(`unrecognized character in action: ${goRuneU(fullRune(r))}`);
    }
  }

  function fullRune(r: string): string {
    const cp = input.codePointAt(pos - 1);
    return cp === undefined ? r : String.fromCodePoint(cp);
  }

  function lexNumber(): boolean {
    if (!scanNumber()) {
      error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
      return false;
    }
    const sign = peek();
    if (sign === "+" || sign === "-") {
      if (!scanNumber() || input[pos - 1] !== "i") {
        error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        return false;
      }
      emit(T.Complex);
      return true;
    }
    emit(T.Number);
    return true;
  }
}

/** Go's %#U: U+0041 'A'. */
export function goRuneU(c: string | undefined): string {
  if (c === undefined) return "U+FFFFFFFFFFFFFFFF";
  const cp = c.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  return isPrintRune(cp) ? `U+${hex} '${c}'` : `U+${hex}`;
}
