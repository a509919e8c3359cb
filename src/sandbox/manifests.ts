/**
 * Reads Kubernetes manifests from YAML files, directories and stdin (multi-document, `kind: List` flattened), for
 * `eso validate`, `eso render` and the sandbox.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface LoadedManifest {
  file: string;
  obj: Manifest;
}

/** A manifest file could not be read or parsed; the message names the file (and document). */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

/** The files a path names: itself, or a directory's *.yaml / *.yml files (recursively, sorted); "-" is stdin. */
async function collect(path: string): Promise<string[]> {
  if (path === "-") return [path];
  try {
    if (!(await stat(path)).isDirectory()) return [path];
    const out: string[] = [];
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) out.push(...(await collect(child)));
      else if (/\.ya?ml$/i.test(entry.name)) out.push(child);
    }
    return out;
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(`${path}: ${code === "ENOENT" ? "no such file or directory" : (err as Error).message}`);
  }
}

/** Every manifest file the paths name, each once, in order (see collect). */
export async function manifestFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) files.push(...(await collect(p)));
  return [...new Set(files)];
}

/** A manifest file's text; "-" reads stdin to the end. */
export async function readManifestFile(file: string): Promise<string> {
  try {
    if (file !== "-") return await readFile(file, "utf8");
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  } catch (err) {
    throw new ManifestError(`${file}: ${(err as Error).message}`);
  }
}

/** kubectl's `kind: List` output holds its objects in items. */
function flatten(doc: unknown): unknown[] {
  const o = doc as { kind?: unknown; items?: unknown };
  if (o && typeof o === "object" && typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) {
    return o.items.flatMap(flatten);
  }
  return [doc];
}

/** One YAML document: its objects (a List flattened; none when empty), or the first line of each syntax error. */
export type YamlDocument = { objects: unknown[]; errors?: undefined } | { errors: string[] };

export function yamlDocuments(text: string): YamlDocument[] {
  return parseAllDocuments(text).map((doc): YamlDocument => {
    if (doc.errors.length > 0) return { errors: doc.errors.map((e) => e.message.split("\n")[0]!) };
    const value = doc.toJS();
    return { objects: value === null || value === undefined ? [] : flatten(value) };
  });
}

/** Parses YAML text into manifests; each must have apiVersion, kind and metadata.name. */
export function parseManifests(text: string, file: string): LoadedManifest[] {
  const out: LoadedManifest[] = [];
  yamlDocuments(text).forEach((doc, i) => {
    const where = `${file} (document ${i + 1})`;
    if (doc.errors) throw new ManifestError(`${where}: YAML: ${doc.errors[0]}`);
    for (const obj of doc.objects) {
      const o = obj as Partial<Manifest> | null;
      if (!o || typeof o !== "object" || Array.isArray(o)) throw new ManifestError(`${where}: not a YAML mapping`);
      if (typeof o.apiVersion !== "string") throw new ManifestError(`${where}: apiVersion: is required`);
      if (typeof o.kind !== "string") throw new ManifestError(`${where}: kind: is required`);
      if (typeof o.metadata?.name !== "string") {
        throw new ManifestError(`${where}: ${o.kind}: metadata.name: is required`);
      }
      out.push({ file, obj: o as Manifest });
    }
  });
  return out;
}

/** Loads every manifest from the given files and directories ("-": stdin). */
export async function loadManifests(paths: string[]): Promise<LoadedManifest[]> {
  const out: LoadedManifest[] = [];
  for (const file of await manifestFiles(paths)) out.push(...parseManifests(await readManifestFile(file), file));
  return out;
}

export function describe(obj: Manifest): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata.name}`;
}
