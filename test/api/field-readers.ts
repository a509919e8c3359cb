/**
 * Finds, for a CRD leaf field path, whether code outside src/api/ reads it. The heuristic: the leaf's name and
 * its parent's name are both accessed (`.name`, `?.name`, `["name"]`, or a `{ name }` / `{ name: x }`
 * pattern) somewhere in the scope that handles that part of the object: a provider's folder for
 * `spec.provider.<key>.*`, a generator's folder for its kind, all of src/ (minus src/api/) otherwise. Comments
 * do not count. It finds fields nothing mentions; it cannot prove that a field that is mentioned works.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { type GeneratorKind, GeneratorKinds, generatorKinds } from "../../src/api/generators.js";

export interface SourceFile {
  path: string;
  code: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Removes // and /* *\/ comments, keeping string literals (a crude lexer, good enough for our sources). */
export function stripComments(code: string): string {
  let out = "";
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    const next = code[i + 1];
    if (c === "/" && next === "/") {
      while (i < code.length && code[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? code.length : end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      const start = i++;
      while (i < code.length && code[i] !== c) i += code[i] === "\\" ? 2 : 1;
      out += code.slice(start, ++i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function loadSources(root: string): SourceFile[] {
  const src = join(root, "src");
  return walk(src)
    .map((p) => relative(root, p).split("\\").join("/"))
    .filter((p) => !p.startsWith("src/api/"))
    .map((path) => ({ path, code: stripComments(readFileSync(join(root, path), "utf8")) }));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const accessCache = new Map<string, RegExp>();

/** `.x`, `?.x`, `["x"]`, `{ x }`, `{ a, x: y }`. */
export function accessPattern(name: string): RegExp {
  let re = accessCache.get(name);
  if (!re) {
    const n = escapeRegExp(name);
    re = new RegExp(`(?:\\.${n}\\b(?!\\s*\\()|\\[\\s*["'\`]${n}["'\`]\\s*\\]|[{,]\\s*${n}\\s*(?=[,}:=?]))`);
    accessCache.set(name, re);
  }
  return re;
}

/** Relative imports of a file, resolved to repository paths (`./x.js` -> `dir/x.ts`). */
function importsOf(file: SourceFile, known: Set<string>): string[] {
  const dir = file.path.slice(0, file.path.lastIndexOf("/"));
  const out: string[] = [];
  for (const m of file.code.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = posix.normalize(posix.join(dir, m[1]!)).replace(/\.js$/, ".ts");
    for (const candidate of [target, `${target}.ts`, `${target}/index.ts`]) {
      if (known.has(candidate)) {
        out.push(candidate);
        break;
      }
    }
  }
  return out;
}

/** The files under `folders` and every file they import, transitively. */
export function closureOf(folders: string[], files: SourceFile[]): SourceFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const known = new Set(byPath.keys());
  const seen = new Set<string>();
  const queue = files.filter((f) => folders.some((d) => f.path.startsWith(d))).map((f) => f.path);
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const next of importsOf(byPath.get(p)!, known)) if (!seen.has(next)) queue.push(next);
  }
  return files.filter((f) => seen.has(f.path));
}

/** Folder under src/generators/ for each generator kind. */
const generatorFolders: Record<GeneratorKind, string> = {
  Password: "password",
  UUID: "uuid",
  Fake: "fake",
  SSHKey: "sshkey",
  VaultDynamicSecret: "vault",
  ECRAuthorizationToken: "ecr",
  Webhook: "webhook",
  ACRAccessToken: "acr",
  AzureAccessToken: "azureaccesstoken",
  GCRAccessToken: "gcr",
  BeyondtrustWorkloadCredentialsDynamicSecret: "beyondtrust",
  STSSessionToken: "sts",
  MFA: "mfa",
  QuayAccessToken: "quay",
  CloudsmithAccessToken: "cloudsmith",
  CodeArtifactAuthorizationToken: "codeartifact",
  RDSIAMAuthToken: "rdsiam",
  STSAssumeRoleToken: "stsassumerole",
  Grafana: "grafana",
  Hex: "hex",
  ServiceAccountToken: "serviceaccounttoken",
  ArtifactoryAccessToken: "artifactory",
  GithubAccessToken: "github",
  GitlabDeployToken: "gitlab",
};
/** ClusterGenerator's `spec.generator.<field>` holds the spec of one generator kind. */
const clusterGeneratorSpecs: Record<string, string> = Object.fromEntries(
  GeneratorKinds.map((kind) => [generatorKinds[kind].clusterKey, kind]),
);

/**
 * The kind and path whose reader answers for `kind`'s `path`: cluster kinds that embed a namespaced kind's spec
 * (copied or dispatched as a whole) answer through that kind, and a ClusterSecretStore through SecretStore.
 */
export function canonical(kind: string, path: string): { kind: string; path: string } {
  const embed = (prefix: string, as: string) =>
    path.startsWith(`${prefix}.`) ? { kind: as, path: `spec.${path.slice(prefix.length + 1)}` } : undefined;
  if (kind === "ClusterSecretStore") return { kind: "SecretStore", path };
  if (kind === "ClusterExternalSecret") return embed("spec.externalSecretSpec", "ExternalSecret") ?? { kind, path };
  if (kind === "ClusterPushSecret") return embed("spec.pushSecretSpec", "PushSecret") ?? { kind, path };
  if (kind === "ClusterGenerator") {
    const m = /^spec\.generator\.([A-Za-z]+)(?:\.(.*))?$/.exec(path);
    const as = m ? clusterGeneratorSpecs[m[1]!] : undefined;
    if (as) return { kind: as, path: m![2] ? `spec.${m![2]}` : "spec" };
  }
  return { kind, path };
}

const scopeCache = new Map<string, SourceFile[]>();

/** The files that handle the field `path` of `kind` (a canonical pair). */
export function scopeOf(kind: string, path: string, files: SourceFile[]): SourceFile[] {
  const parts = steps(path);
  let folders: string[] | undefined;
  if (kind === "SecretStore" && parts[1] === "provider" && parts[2]) folders = [`src/providers/${parts[2]}/`];
  else if (kind in generatorFolders) folders = [`src/generators/${generatorFolders[kind as GeneratorKind]}/`];
  if (!folders) return files;
  const key = folders.join(",");
  let scope = scopeCache.get(key);
  if (!scope) {
    scope = closureOf(folders, files);
    scopeCache.set(key, scope);
  }
  return scope;
}

/** The named steps of a path, without `[]` / `{}`: `spec.data[].remoteRef.key` -> [spec, data, remoteRef, key]. */
export function steps(path: string): string[] {
  return path.replace(/\[\]|\{\}/g, "").split(".");
}

/** Whether code in scope reads the field: its name and its parent's name are both accessed there. */
export function readerOf(anyKind: string, anyPath: string, files: SourceFile[]): string | undefined {
  const { kind, path } = canonical(anyKind, anyPath);
  const s = steps(path);
  const leaf = s[s.length - 1]!;
  const parent = s[s.length - 2];
  const scope = scopeOf(kind, path, files);
  const leafFile = scope.find((f) => accessPattern(leaf).test(f.code));
  if (!leafFile) return undefined;
  if (parent && parent !== "spec" && !scope.some((f) => accessPattern(parent).test(f.code))) return undefined;
  return leafFile.path;
}
