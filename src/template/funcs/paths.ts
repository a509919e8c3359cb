/** Go's path (and, on Linux, path/filepath) functions. */
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";

/** path.Clean: lexical shortest equivalent path. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const s = out.join("/");
  if (rooted) return `/${s}`;
  return s === "" ? "." : s;
}

export function basePath(p: string): string {
  if (p === "") return ".";
  p = p.replace(/\/+$/, "");
  const i = p.lastIndexOf("/");
  if (i >= 0) p = p.slice(i + 1);
  return p === "" ? "/" : p;
}

export function dirPath(p: string): string {
  const i = p.lastIndexOf("/");
  return cleanPath(p.slice(0, i + 1));
}

export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

export function pathFuncs(): FuncMap {
  const base = goFunc("func(string) string", basePath);
  const dir = goFunc("func(string) string", dirPath);
  const clean = goFunc("func(string) string", cleanPath);
  const ext = goFunc("func(string) string", extPath);
  const isAbs = goFunc("func(string) bool", (s: string) => s.startsWith("/"));
  return {
    base,
    dir,
    clean,
    ext,
    isAbs,
    osBase: base,
    osDir: dir,
    osClean: clean,
    osExt: ext,
    osIsAbs: isAbs,
  };
}
