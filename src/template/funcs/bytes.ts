/**
 * Go strings are byte strings. Text is held as ordinary JS strings; bytes that are not valid UTF-8 are
 * carried as lone surrogates U+DC80..U+DCFF (one per byte), so binary data (a decoded PKCS#12 keystore,
 * random bytes) survives a round trip through template values unchanged.
 */

/** Bytes → Go string value. */
export function bytesToGoString(b: Uint8Array): string {
  let out = "";
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      let j = i;
      while (j < n && b[j]! < 0x80) j++;
      out += Buffer.from(b.buffer, b.byteOffset + i, j - i).toString("latin1");
      i = j;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    }
    let ok = need > 0 && i + need < n;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const d = b[i + k];
        if (d === undefined || (d & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (d & 0x3f);
      }
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + c);
      i++;
    }
  }
  return out;
}

/** Go string value → bytes (UTF-8, with carried raw bytes restored). */
export function goStringToBytes(s: string): Buffer {
  let hasLone = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xe000) {
      hasLone = true;
      break;
    }
  }
  if (!hasLone) return Buffer.from(s, "utf8");
  const parts: Buffer[] = [];
  let run = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        run += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, "utf8"));
      run = "";
      parts.push(Buffer.from([c - 0xdc00]));
      continue;
    }
    run += s[i];
  }
  if (run) parts.push(Buffer.from(run, "utf8"));
  return Buffer.concat(parts);
}
