/**
 * toYaml's shortcut: go-yaml reading the one-line JSON that encoding/json writes gives the same value as reading
 * that JSON directly (strings decoded, numbers and literals resolved as go-yaml resolves plain scalars), except
 * where go-yaml's reader or scanner would see more than JSON: raw characters it rejects or treats as line breaks
 * (DEL, C1 controls with NEL among them, BOM, U+FFFE, U+FFFF), keys past its 1,024-character simple-key window, and
 * nesting past its 10,000 levels. For those, undefined: the caller reads the text with go-yaml's own rules.
 */
import { resolve } from "./yaml-resolve.js";
import { YamlMap, type YamlValue } from "./yaml-values.js";

const NOT_PLAIN_JSON = /[\x7f-\x9f\ufeff\ufffe\uffff]/;
const LONGEST_KEY = 1000;
const DEEPEST = 10000;

type Open = { list: YamlValue[] } | { map: YamlMap; key?: string };

export function jsonAsYaml(json: string): YamlValue | undefined {
  if (NOT_PLAIN_JSON.test(json)) return undefined;
  const open: Open[] = [];
  let root: YamlValue = null;
  /** Places a value in the innermost open collection; true when it completes the document. */
  const place = (v: YamlValue): boolean => {
    const top = open[open.length - 1];
    if (!top) root = v;
    else if ("list" in top) top.list.push(v);
    else {
      top.map.set(top.key!, v);
      top.key = undefined;
    }
    return open.length === 0;
  };
  for (let i = 0; i < json.length; ) {
    const c = json[i]!;
    if (c === "," || c === ":") {
      i++;
    } else if (c === "[" || c === "{") {
      if (open.length >= DEEPEST) return undefined;
      const v = c === "[" ? [] : new YamlMap();
      place(v);
      open.push(Array.isArray(v) ? { list: v } : { map: v });
      i++;
    } else if (c === "]" || c === "}") {
      open.pop();
      i++;
      if (open.length === 0) break;
    } else if (c === '"') {
      let j = i + 1;
      let escaped = false;
      while (json[j] !== '"') {
        if (json[j] === "\\") {
          escaped = true;
          j++;
        }
        j++;
      }
      const text = escaped ? (JSON.parse(json.slice(i, j + 1)) as string) : json.slice(i + 1, j);
      const top = open[open.length - 1];
      const length = j + 1 - i;
      i = j + 1;
      if (top && "map" in top && top.key === undefined) {
        // go-yaml gives up on a key whose ':' is more than 1,024 characters after its start
        if (length > LONGEST_KEY) return undefined;
        top.key = text;
      } else if (place(text)) {
        break;
      }
    } else {
      let j = i;
      while (j < json.length && !",]}".includes(json[j]!)) j++;
      const done = place(resolve("", json.slice(i, j))[1]);
      i = j;
      if (done) break;
    }
  }
  return root;
}
