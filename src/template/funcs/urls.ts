/** Sprig's urlParse / urlJoin over a port of Go's net/url parsing and printing. */

import { goFunc } from "../signature.js";
import { quote as goQuote } from "../strconv.js";
import { type FuncMap, type GoMap, goKind } from "../values.js";
import { bytesToGoString, goStringToBytes } from "./bytes.js";
import { panicError } from "./util.js";

type Mode = "path" | "host" | "user" | "query" | "fragment";

function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  const ch = String.fromCharCode(c);
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    switch (mode) {
      case "path":
        return ch === "?";
      case "user":
        return "@/?:".includes(ch);
      case "query":
        return true;
      case "fragment":
        return false;
      default:
        break;
    }
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

export function urlEscape(s: string, mode: Mode): string {
  let out = "";
  for (const b of goStringToBytes(s)) {
    if (mode === "host" && b >= 0x80) out += String.fromCharCode(b);
    else if (shouldEscape(b, mode))
      out += b === 0x20 && mode === "query" ? "+" : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return mode === "host" ? bytesToGoString(Buffer.from(out, "latin1")) : out;
}

function urlUnescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  const src = goStringToBytes(s);
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25) {
      const h = src.subarray(i + 1, i + 3).toString("latin1");
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        const bad = bytesToGoString(src.subarray(i, Math.min(i + 3, src.length)));
        throw new Error(`invalid URL escape ${goQuote(bad)}`);
      }
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else if (b === 0x2b && mode === "query") bytes.push(0x20);
    else bytes.push(b);
  }
  return bytesToGoString(Buffer.from(bytes));
}

interface GoURL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}

function userString(u: { username: string; password?: string }): string {
  let s = urlEscape(u.username, "user");
  if (u.password !== undefined) s += `:${urlEscape(u.password, "user")}`;
  return s;
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new Error("missing ']' in host");
    const port = host.slice(i + 1);
    if (port !== "" && !/^:\d*$/.test(port)) throw new Error(`invalid port ${goQuote(port)} after host`);
    return host;
  }
  const i = host.lastIndexOf(":");
  if (i >= 0) {
    const port = host.slice(i);
    if (!/^:\d*$/.test(port)) throw new Error(`invalid port ${goQuote(port)} after host`);
  }
  return urlUnescape(host, "host");
}

/** url.Parse. */
export function parseURL(raw: string): GoURL {
  const hashAt = raw.indexOf("#");
  const main = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  const frag = hashAt >= 0 ? raw.slice(hashAt + 1) : "";
  // Go cuts the fragment off first: errors in the rest quote only the rest, a bad fragment quotes it all
  const wrap = (msg: string): Error => new Error(`parse ${goQuote(main)}: ${msg}`);
  const wrapFragment = (msg: string): Error => new Error(`parse ${goQuote(raw)}: ${msg}`);
  if (/[\x00-\x1f\x7f]/.test(main)) throw wrap("net/url: invalid control character in URL");
  const u: GoURL = { scheme: "", opaque: "", host: "", path: "", rawQuery: "", forceQuery: false, fragment: "" };
  if (main === "*") {
    u.path = "*";
    return u;
  }
  let rest = main;
  for (let i = 0; i < main.length; i++) {
    const c = main[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) throw wrap("missing protocol scheme");
      u.scheme = main.slice(0, i).toLowerCase();
      rest = main.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") {
      u.opaque = rest;
      u.fragment = frag === "" ? "" : unescapeOr(frag, wrapFragment);
      return u;
    }
    if (rest.split("/")[0]!.includes(":")) throw wrap("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const i = authority.indexOf("/");
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    const at = authority.lastIndexOf("@");
    try {
      u.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
      if (at >= 0) {
        const ui = authority.slice(0, at);
        const colon = ui.indexOf(":");
        u.user =
          colon < 0
            ? { username: urlUnescape(ui, "user") }
            : { username: urlUnescape(ui.slice(0, colon), "user"), password: urlUnescape(ui.slice(colon + 1), "user") };
      }
    } catch (e) {
      throw wrap((e as Error).message);
    }
  }
  u.path = unescapeOr(rest, wrap);
  u.fragment = unescapeOr(frag, wrapFragment);
  return u;
}

function unescapeOr(s: string, wrap: (m: string) => Error): string {
  try {
    return urlUnescape(s, "path");
  } catch (e) {
    throw wrap((e as Error).message);
  }
}

/** url.URL.String(). */
export function urlString(u: GoURL): string {
  let out = "";
  if (u.scheme !== "") out += `${u.scheme}:`;
  if (u.opaque !== "") out += u.opaque;
  else {
    if (u.scheme !== "" || u.host !== "" || u.user !== undefined) {
      if (u.host !== "" || u.path !== "" || u.user !== undefined) out += "//";
      if (u.user !== undefined) out += `${userString(u.user)}@`;
      if (u.host !== "") out += urlEscape(u.host, "host");
    }
    const path = u.path === "*" ? "*" : urlEscape(u.path, "path");
    if (path !== "" && path[0] !== "/" && u.host !== "") out += "/";
    if (out === "" && path.split("/")[0]!.includes(":")) out += "./";
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== "") out += `?${u.rawQuery}`;
  if (u.fragment !== "") out += `#${urlEscape(u.fragment, "fragment")}`;
  return out;
}

function hostname(host: string): string {
  if (host.startsWith("[")) {
    const i = host.indexOf("]");
    return i >= 0 ? host.slice(1, i) : host.slice(1);
  }
  const i = host.lastIndexOf(":");
  return i >= 0 ? host.slice(0, i) : host;
}

function urlParse(v: string): GoMap {
  let u: GoURL;
  try {
    u = parseURL(v);
  } catch (e) {
    throw panicError(`unable to parse url: ${(e as Error).message}`);
  }
  return {
    scheme: u.scheme,
    host: u.host,
    hostname: hostname(u.host),
    path: u.path,
    query: u.rawQuery,
    opaque: u.opaque,
    fragment: u.fragment,
    userinfo: u.user ? userString(u.user) : "",
  };
}

/** Sprig's dictGetOrEmpty: a missing key is "", a value of another kind than string panics. */
function field(d: GoMap, k: string): string {
  if (!Object.hasOwn(d, k)) return "";
  const v = d[k];
  if (v === null || v === undefined)
    throw panicError("runtime error: invalid memory address or nil pointer dereference");
  if (typeof v !== "string") {
    throw panicError(`unable to parse ${k} key, must be of type string, but ${goKind(v)} found`);
  }
  return v;
}

function urlJoin(d: GoMap): string {
  const u: GoURL = {
    scheme: field(d, "scheme"),
    host: field(d, "host"),
    path: field(d, "path"),
    rawQuery: field(d, "query"),
    opaque: field(d, "opaque"),
    fragment: field(d, "fragment"),
    forceQuery: false,
  };
  const ui = field(d, "userinfo");
  if (ui !== "") {
    try {
      u.user = parseURL(`proto://${ui}@host`).user;
    } catch (e) {
      throw panicError(`unable to parse userinfo in dict: ${(e as Error).message}`);
    }
  }
  return urlString(u);
}

export function urlFuncs(): FuncMap {
  return {
    urlParse: goFunc("func(string) map[string]interface {}", urlParse),
    urlJoin: goFunc("func(map[string]interface {}) string", (d: GoMap | null) => urlJoin(d ?? {})),
  };
}
