/**
 * go-yaml v2's reader (sigs.k8s.io/yaml's goyaml.v2, a port of libyaml): bytes → code points, decoded lazily in
 * 512-byte chunks. The laziness is observable: a byte libyaml rejects ("control characters are not allowed",
 * "invalid leading UTF-8 octet", ...) is reported only when the scanner first asks for a character of its chunk,
 * so a syntax error earlier in the text wins over it. The scanner calls `update` exactly where libyaml does.
 */

/** A reader failure: go-yaml reports it without a line number. */
export class YamlReaderError extends Error {}

const RAW_CHUNK = 512;

type Encoding = "utf8" | "utf16le" | "utf16be";

export class YamlReader {
  /** Decoded characters (the first `length`); after the end of input, each refill appends a 0 (libyaml's end marker). */
  chars: Uint32Array;
  length = 0;
  /** Where libyaml's character buffer starts after its last refill (its BOM check looks there). */
  bufferStart = 0;
  private encoding: Encoding | undefined;
  private eof = false;
  /** input[rawStart, inputPos) is the raw buffer; rawPos is its first byte not yet decoded. */
  private rawStart = 0;
  private rawPos = 0;
  private inputPos = 0;

  constructor(private readonly input: Uint8Array) {
    this.chars = new Uint32Array(input.length + 16);
  }

  private push(c: number): void {
    if (this.length === this.chars.length) {
      const grown = new Uint32Array(this.chars.length * 2);
      grown.set(this.chars);
      this.chars = grown;
    }
    this.chars[this.length++] = c;
  }

  /** Makes `length` characters from `pos` available (yaml_parser_update_buffer). */
  update(pos: number, length: number): void {
    if (this.length - pos >= length) return;
    if (this.encoding === undefined) this.determineEncoding();
    this.bufferStart = pos;
    let first = true;
    while (this.length - pos < length) {
      if (!first || this.rawPos === this.inputPos) this.readRaw();
      first = false;
      while (this.rawPos !== this.inputPos) {
        if (!this.decodeOne()) break;
      }
      if (this.eof) {
        this.push(0);
        break;
      }
    }
  }

  private readRaw(): void {
    if (this.rawPos === this.rawStart && this.inputPos - this.rawStart === RAW_CHUNK) return;
    if (this.eof) return;
    this.rawStart = this.rawPos;
    if (this.inputPos === this.input.length) {
      this.eof = true;
      return;
    }
    const room = RAW_CHUNK - (this.inputPos - this.rawPos);
    this.inputPos += Math.min(room, this.input.length - this.inputPos);
  }

  private determineEncoding(): void {
    while (!this.eof && this.inputPos - this.rawPos < 3) this.readRaw();
    const b = this.input;
    const p = this.rawPos;
    const avail = this.inputPos - p;
    if (avail >= 2 && b[p] === 0xff && b[p + 1] === 0xfe) {
      this.encoding = "utf16le";
      this.rawPos += 2;
    } else if (avail >= 2 && b[p] === 0xfe && b[p + 1] === 0xff) {
      this.encoding = "utf16be";
      this.rawPos += 2;
    } else if (avail >= 3 && b[p] === 0xef && b[p + 1] === 0xbb && b[p + 2] === 0xbf) {
      this.encoding = "utf8";
      this.rawPos += 3;
    } else {
      this.encoding = "utf8";
    }
  }

  /** Decodes the character at rawPos; false when it is incomplete and more input may follow. */
  private decodeOne(): boolean {
    const b = this.input;
    const p = this.rawPos;
    const unread = this.inputPos - p;
    let value: number;
    let width: number;
    if (this.encoding === "utf8") {
      const octet = b[p]!;
      if ((octet & 0x80) === 0) width = 1;
      else if ((octet & 0xe0) === 0xc0) width = 2;
      else if ((octet & 0xf0) === 0xe0) width = 3;
      else if ((octet & 0xf8) === 0xf0) width = 4;
      else throw new YamlReaderError("invalid leading UTF-8 octet");
      if (width > unread) {
        if (this.eof) throw new YamlReaderError("incomplete UTF-8 octet sequence");
        return false;
      }
      value = width === 1 ? octet & 0x7f : width === 2 ? octet & 0x1f : width === 3 ? octet & 0x0f : octet & 0x07;
      for (let k = 1; k < width; k++) {
        const trail = b[p + k]!;
        if ((trail & 0xc0) !== 0x80) throw new YamlReaderError("invalid trailing UTF-8 octet");
        value = (value << 6) + (trail & 0x3f);
      }
      const minimal =
        width === 1 || (width === 2 && value >= 0x80) || (width === 3 && value >= 0x800) || value >= 0x10000;
      if (!minimal) throw new YamlReaderError("invalid length of a UTF-8 sequence");
      if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) {
        throw new YamlReaderError("invalid Unicode character");
      }
    } else {
      const [low, high] = this.encoding === "utf16le" ? [0, 1] : [1, 0];
      if (unread < 2) {
        if (this.eof) throw new YamlReaderError("incomplete UTF-16 character");
        return false;
      }
      value = b[p + low]! + (b[p + high]! << 8);
      if ((value & 0xfc00) === 0xdc00) throw new YamlReaderError("unexpected low surrogate area");
      if ((value & 0xfc00) === 0xd800) {
        width = 4;
        if (unread < 4) {
          if (this.eof) throw new YamlReaderError("incomplete UTF-16 surrogate pair");
          return false;
        }
        const value2 = b[p + low + 2]! + (b[p + high + 2]! << 8);
        if ((value2 & 0xfc00) !== 0xdc00) throw new YamlReaderError("expected low surrogate area");
        value = 0x10000 + ((value & 0x3ff) << 10) + (value2 & 0x3ff);
      } else {
        width = 2;
      }
    }
    const allowed =
      value === 0x09 ||
      value === 0x0a ||
      value === 0x0d ||
      (value >= 0x20 && value <= 0x7e) ||
      value === 0x85 ||
      (value >= 0xa0 && value <= 0xd7ff) ||
      (value >= 0xe000 && value <= 0xfffd) ||
      (value >= 0x10000 && value <= 0x10ffff);
    if (!allowed) throw new YamlReaderError("control characters are not allowed");
    this.rawPos += width;
    this.push(value);
    return true;
  }
}
