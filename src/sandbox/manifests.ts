/** Reads Kubernetes manifests from YAML files and directories (multi-document, `kind: List` flattened). */
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

async function collect(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(`${path}: ${code === "ENOENT" ? "no such file or directory" : (err as Error).message}`);
  }
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await collect(child)));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(child);
  }
  return out;
}

function flatten(doc: unknown): unknown[] {
  const o = doc as { kind?: unknown; items?: unknown };
  if (o && typeof o === "object" && typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) {
    return o.items.flatMap(flatten);
  }
  return [doc];
}

/** Parses YAML text into manifests; each must have apiVersion, kind and metadata.name. */
export function parseManifests(text: string, file: string): LoadedManifest[] {
  const out: LoadedManifest[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${file} (document ${i + 1})`;
    if (doc.errors.length > 0) throw new ManifestError(`${where}: YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
    const value = doc.toJS();
    if (value === null || value === undefined) return;
    for (const obj of flatten(value)) {
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

/** Loads every manifest from the given files and directories (directories: *.yaml / *.yml, sorted). */
export async function loadManifests(paths: string[]): Promise<LoadedManifest[]> {
  const files: string[] = [];
  for (const p of paths) files.push(...(await collect(p)));
  const out: LoadedManifest[] = [];
  for (const file of [...new Set(files)]) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new ManifestError(`${file}: ${(err as Error).message}`);
    }
    out.push(...parseManifests(text, file));
  }
  return out;
}

export function describe(obj: Manifest): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata.name}`;
}
