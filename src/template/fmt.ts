/**
 * Go's fmt printing (Sprintf, Sprint, Sprintln) over the template value model: verbs
 * %v %+v %#v(partial) %T %s %q %d %x %X %o %O %b %e %E %f %F %g %G %t %c %U %%, with width,
 * precision, flags, explicit argument indexes and Go's error forms (%!d(string=x), %!(EXTRA ...)).
 */

import { bytesToGoString, goStringToBytes } from "./funcs/bytes.js";
import { GoDuration } from "./go-duration.js";
import { GoInt, GoNamedInt, isUnsignedType } from "./go-ints.js";
import { GoTime } from "./go-time.js";
import { canBackquote, formatFloat, formatHexFloat, isPrint, quote, quoteRune } from "./strconv.js";
import { goIntValue, goTypeName, isMap, isNilSlice, sortedKeys } from "./values.js";

const LDIGITS = "0123456789abcdefx";
const UDIGITS = "0123456789ABCDEFX";

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

class Printer {
  buf = "";
  wid = 0;
  prec = 0;
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  arg: unknown = undefined;

  clearFlags(): void {
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = false;
    this.minus = this.plus = this.sharp = this.space = this.zero = false;
    this.plusV = this.sharpV = false;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? "0" : " ").repeat(n);
  }

  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  truncate(s: string): string {
    if (this.precPresent) {
      const chars = Array.from(s);
      if (chars.length > this.prec) return chars.slice(0, this.prec).join("");
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  fmtSbx(bytes: Uint8Array, digits: string): void {
    let length = bytes.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = "";
    if (this.sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += " ";
        if (this.sharp) out += `0${digits[16]}`;
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) this.pad(`\`${s}\``);
    else this.pad(quote(s, this.plus));
  }

  fmtInteger(v: bigint, base: number, verb: string, digits: string): void {
    const negative = v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s: string;
    if (u === 0n) s = "0";
    else {
      s = u.toString(base);
      if (digits === UDIGITS) s = s.toUpperCase();
    }
    u = 0n;
    if (s.length < prec) s = "0".repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8) {
        if (s[0] !== "0") s = `0${s}`;
      } else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === "O") s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (this.plus) s = `+${s}`;
    else if (this.space) s = ` ${s}`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = `U+${(u < 0n ? BigInt.asUintN(64, u) : u).toString(16).toUpperCase().padStart(prec, "0")}`;
    if (this.sharp && u >= 0n && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtFloatV(v: number, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = verb === "x" || verb === "X" ? formatHexFloat(v, verb, prec) : formatFloat(v, verb as "e", prec);
    if (num[0] !== "-" && num[0] !== "+") num = `+${num}`;
    if (this.space && num[0] === "+" && !this.plus) num = ` ${num.slice(1)}`;
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === "N" && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== "x" && verb !== "X") num = sharpFloat(num, verb, prec);
    if (this.plus || num[0] !== "+") {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  badVerb(verb: string, value: unknown): void {
    this.buf += `%!${verb}(`;
    if (value === null || value === undefined) this.buf += "<nil>";
    else {
      this.buf += `${goTypeName(value)}=`;
      this.printArg(value, "v");
    }
    this.buf += ")";
  }

  printArg(arg: unknown, verb: string): void {
    this.arg = arg;
    if (arg === null || arg === undefined) {
      if (verb === "T" || verb === "v") this.pad("<nil>");
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === "T") {
      this.fmtS(goTypeName(arg));
      return;
    }
    switch (typeof arg) {
      case "boolean":
        if (verb === "t" || verb === "v") this.pad(arg ? "true" : "false");
        else this.badVerb(verb, arg);
        return;
      case "bigint":
        this.printInt(arg, verb);
        return;
      case "number":
        this.printFloat(arg, verb);
        return;
      case "string":
        this.printString(arg, verb);
        return;
      case "function":
        if (verb === "v" || verb === "p") this.pad("0x4d7c60");
        else this.badVerb(verb, arg);
        return;
    }
    if (arg instanceof Uint8Array) {
      this.printBytes(arg, verb);
      return;
    }
    if (arg instanceof GoInt) {
      // %#v of an unsigned integer is hex, as Go prints it
      if (verb === "v" && this.sharpV && isUnsignedType(arg.type)) {
        const sharp = this.sharp;
        this.sharp = true;
        this.fmtInteger(arg.n, 16, verb, LDIGITS);
        this.sharp = sharp;
      } else this.printInt(arg.n, verb, arg);
      return;
    }
    if (arg instanceof GoDuration || arg instanceof GoNamedInt) {
      // A Stringer: the name for %v %s %x %X %q, the integer for %d and the other int verbs.
      if ("vsxXq".includes(verb) && !this.sharpV) this.printString(arg.toString(), verb);
      else this.printInt(arg instanceof GoDuration ? arg.ns : arg.n, verb, arg);
      return;
    }
    if (arg instanceof GoTime || arg instanceof Error) {
      const s = arg instanceof Error ? arg.message : arg.toString();
      if ("vsxXq".includes(verb)) this.printString(s, verb);
      else this.badVerb(verb, arg);
      return;
    }
    if (Array.isArray(arg) || isMap(arg)) {
      this.printNested(arg, verb);
      return;
    }
    this.printString(String(arg), verb);
  }

  /**
   * Lists and maps, nested to any depth, with an explicit stack of what is left to print (text, a map key, an
   * element) instead of recursion, so deep data (a 10,000-level fromYaml result) cannot overflow the JS stack.
   */
  private printNested(root: unknown[] | Record<string, unknown>, verb: string): void {
    type Task = { text: string } | { key: string } | { elem: unknown };
    const tasks: Task[] = [];
    // %#v spells the type and separates with commas: []interface {}{1, "a"}, map[string]int{"a":1}
    const sharp = this.sharpV;
    const sep = { text: sharp ? ", " : " " };
    const expand = (c: unknown[] | Record<string, unknown>): void => {
      const pieces: Task[] = [];
      if (sharp && Array.isArray(c) && isNilSlice(c)) {
        tasks.push({ text: `${goTypeName(c)}(nil)` });
        return;
      }
      if (Array.isArray(c)) {
        pieces.push({ text: sharp ? `${goTypeName(c)}{` : "[" });
        c.forEach((x, i) => {
          if (i > 0) pieces.push(sep);
          pieces.push(sharp && (x === null || x === undefined) ? { text: "interface {}(nil)" } : { elem: x });
        });
      } else {
        pieces.push({ text: sharp ? `${goTypeName(c)}{` : "map[" });
        sortedKeys(c).forEach((k, i) => {
          if (i > 0) pieces.push(sep);
          const x = c[k];
          pieces.push(
            { key: k },
            { text: ":" },
            sharp && (x === null || x === undefined) ? { text: "interface {}(nil)" } : { elem: x },
          );
        });
      }
      pieces.push({ text: sharp ? "}" : "]" });
      for (let i = pieces.length - 1; i >= 0; i--) tasks.push(pieces[i]!);
    };
    expand(root);
    for (let t = tasks.pop(); t !== undefined; t = tasks.pop()) {
      if ("text" in t) this.buf += t.text;
      else if ("key" in t) this.printString(t.key, verb);
      else if ((Array.isArray(t.elem) || isMap(t.elem)) && verb !== "T") {
        this.arg = t.elem;
        expand(t.elem);
      } else this.printElem(t.elem, verb);
    }
  }

  /** An element of a slice or map: a nil interface prints as <nil> whatever the verb, unpadded (printValue). */
  printElem(v: unknown, verb: string): void {
    if ((v === null || v === undefined) && !this.sharpV) this.buf += "<nil>";
    else this.printArg(v, verb);
  }

  /** An integer; `arg` is the value as given (its type names a bad verb's operand). */
  printInt(v: bigint, verb: string, arg: unknown = v): void {
    switch (verb) {
      case "v":
      case "d":
        this.fmtInteger(v, 10, verb, LDIGITS);
        return;
      case "b":
        this.fmtInteger(v, 2, verb, LDIGITS);
        return;
      case "o":
      case "O":
        this.fmtInteger(v, 8, verb, LDIGITS);
        return;
      case "x":
        this.fmtInteger(v, 16, verb, LDIGITS);
        return;
      case "X":
        this.fmtInteger(v, 16, verb, UDIGITS);
        return;
      case "c":
        this.pad(runeString(v));
        return;
      case "q":
        this.pad(quoteRune(v < 0n || v > 0x10ffffn ? 0xfffd : Number(v), this.plus));
        return;
      case "U":
        this.fmtUnicode(v);
        return;
    }
    this.badVerb(verb, arg);
  }

  printFloat(v: number, verb: string): void {
    switch (verb) {
      case "v":
        this.fmtFloatV(v, "g", -1);
        return;
      case "g":
      case "G":
        this.fmtFloatV(v, verb, -1);
        return;
      case "f":
      case "F":
      case "e":
      case "E":
        this.fmtFloatV(v, verb, 6);
        return;
      case "x":
      case "X":
        this.fmtFloatV(v, verb, -1);
        return;
    }
    this.badVerb(verb, v);
  }

  printString(s: string, verb: string): void {
    switch (verb) {
      case "v":
        if (this.sharpV) this.fmtQ(s);
        else this.fmtS(s);
        return;
      case "s":
        this.fmtS(s);
        return;
      case "x":
        this.fmtSbx(goStringToBytes(s), LDIGITS);
        return;
      case "X":
        this.fmtSbx(goStringToBytes(s), UDIGITS);
        return;
      case "q":
        this.fmtQ(s);
        return;
    }
    this.badVerb(verb, s);
  }

  printBytes(b: Uint8Array, verb: string): void {
    switch (verb) {
      case "v":
      case "d": {
        this.buf += "[";
        for (let i = 0; i < b.length; i++) {
          if (i > 0) this.buf += " ";
          this.fmtInteger(BigInt(b[i]!), 10, verb, LDIGITS);
        }
        this.buf += "]";
        return;
      }
      case "s":
        this.fmtS(bytesToGoString(b));
        return;
      case "x":
        this.fmtSbx(b, LDIGITS);
        return;
      case "X":
        this.fmtSbx(b, UDIGITS);
        return;
      case "q":
        this.fmtQ(bytesToGoString(b));
        return;
    }
    this.buf += "[";
    for (let i = 0; i < b.length; i++) {
      if (i > 0) this.buf += " ";
      this.printInt(BigInt(b[i]!), verb);
    }
    this.buf += "]";
  }
}

function runeString(v: bigint): string {
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v < 0xe000n)) return "\ufffd";
  return String.fromCodePoint(Number(v));
}

function sharpFloat(num: string, verb: string, prec: number): string {
  // %#e, %#f, %#g: always print a decimal point; %#g keeps trailing zeros.
  let digits = prec;
  if (verb === "v") verb = "g";
  const expIdx = num.search(/[eE]/);
  let body = expIdx >= 0 ? num.slice(0, expIdx) : num;
  const tail = expIdx >= 0 ? num.slice(expIdx) : "";
  const hasDot = body.includes(".");
  if (verb === "g" || verb === "G") {
    if (digits === -1) digits = 6;
    const sig = body.slice(1).replace(".", "").replace(/^0+/, "");
    const have = sig.length === 0 ? 1 : sig.length;
    if (!hasDot) body += ".";
    if (have < digits) body += "0".repeat(digits - have);
    return body + tail;
  }
  if (!hasDot) body += ".";
  return body + tail;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  const p = new Printer();
  let argNum = 0;
  let reordered = false;
  let afterIndex = false;
  const end = format.length;
  let i = 0;

  const parseArgNumber = (): void => {
    // at format[i] === "["
    const close = format.indexOf("]", i + 1);
    if (close < 0) {
      afterIndex = false;
      return;
    }
    const n = /^[0-9]+$/.test(format.slice(i + 1, close)) ? Number(format.slice(i + 1, close)) : -1;
    reordered = true;
    i = close + 1;
    if (n >= 1 && n <= args.length) {
      argNum = n - 1;
      afterIndex = true;
    } else {
      afterIndex = false;
      argNum = args.length + 1;
      badIndex = true;
    }
  };
  let badIndex = false;

  while (i < end) {
    p.clearFlags();
    const lasti = i;
    while (i < end && format[i] !== "%") i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    badIndex = false;
    // flags
    flags: while (i < end) {
      switch (format[i]) {
        case "#":
          p.sharp = true;
          break;
        case "0":
          p.zero = !p.minus;
          break;
        case "+":
          p.plus = true;
          break;
        case "-":
          p.minus = true;
          p.zero = false;
          break;
        case " ":
          p.space = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    afterIndex = false;
    if (format[i] === "[") parseArgNumber();
    // width
    if (format[i] === "*") {
      i++;
      // any integer kind gives a width or precision (fmt's intFromArg)
      const a = goIntValue(args[argNum]);
      if (argNum < args.length && a !== undefined && !tooLarge(a)) {
        p.wid = Number(a);
        p.widPresent = true;
        if (p.wid < 0) {
          p.minus = true;
          p.zero = false;
          p.wid = -p.wid;
        }
      } else p.buf += "%!(BADWIDTH)";
      argNum++;
      afterIndex = false;
    } else {
      const [num, isNum, next] = parsenum(format, i, end);
      i = next;
      if (isNum) {
        p.wid = num;
        p.widPresent = true;
        if (afterIndex) p.buf += "%!(BADWIDTH)";
      }
    }
    // precision
    if (format[i] === ".") {
      i++;
      if (afterIndex) p.buf += "%!(BADPREC)";
      if (format[i] === "[") parseArgNumber();
      if (format[i] === "*") {
        i++;
        const a = goIntValue(args[argNum]);
        if (argNum < args.length && a !== undefined && a >= 0n && !tooLarge(a)) {
          p.prec = Number(a);
          p.precPresent = true;
        } else {
          if (argNum < args.length && a !== undefined) p.precPresent = false;
          p.buf += "%!(BADPREC)";
        }
        argNum++;
        afterIndex = false;
      } else {
        const [num, , next] = parsenum(format, i, end);
        i = next;
        p.prec = num;
        p.precPresent = true;
      }
    }
    if (!afterIndex && format[i] === "[") parseArgNumber();
    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }
    const cp = format.codePointAt(i)!;
    const verb = String.fromCodePoint(cp);
    i += verb.length;
    if (verb === "%") {
      p.buf += "%";
      continue;
    }
    if (badIndex) {
      p.buf += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      p.buf += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === "w") {
      p.badVerb(verb, args[argNum++]);
      continue;
    }
    if (verb === "v") {
      if (p.sharp) {
        p.sharp = false;
        p.sharpV = true;
      }
      if (p.plus) {
        p.plus = false;
        p.plusV = true;
      }
    }
    p.printArg(args[argNum], verb);
    argNum++;
  }
  if (!reordered && argNum < args.length) {
    p.clearFlags();
    p.buf += "%!(EXTRA ";
    for (let k = argNum; k < args.length; k++) {
      if (k > argNum) p.buf += ", ";
      const a = args[k];
      if (a === null || a === undefined) p.buf += "<nil>";
      else {
        p.buf += `${goTypeName(a)}=`;
        p.printArg(a, "v");
      }
    }
    p.buf += ")";
  }
  return p.buf;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  const p = new Printer();
  let prevString = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const isString = typeof a === "string";
    if (k > 0 && !isString && !prevString) p.buf += " ";
    p.printArg(a, "v");
    prevString = isString;
  }
  return p.buf;
}

/** fmt.Sprintln: spaces between all operands and a trailing newline. */
export function sprintln(args: unknown[]): string {
  const p = new Printer();
  for (let k = 0; k < args.length; k++) {
    if (k > 0) p.buf += " ";
    p.printArg(args[k], "v");
  }
  return `${p.buf}\n`;
}

/** Go's fmt refuses widths and precisions beyond a million (a crazy long number, most likely). */
function tooLarge(x: bigint | number): boolean {
  return x > 1e6 || x < -1e6;
}

/** fmt's parsenum: digits from `start`; an overlong number consumes the rest of the format and is no number. */
function parsenum(s: string, start: number, end: number): [num: number, isNum: boolean, next: number] {
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < end && s[i]! >= "0" && s[i]! <= "9"; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 48);
    isNum = true;
  }
  return [num, isNum, i];
}
