/** `eso validate -f FILE|DIR ...`: validate ESO manifests offline. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { formatValidationError, isESOObject, validateObject } from "../api/validation.js";

export const help = `Usage: eso validate -f FILE|DIR [-f FILE|DIR ...]

Validate external-secrets.io manifests (v1 and v1beta1; PushSecret and generators v1alpha1) without a
cluster: schema (field names, types, enums, defaults' domains, unknown fields) and the rules ESO's
admission webhooks enforce (exactly one provider, valid secret keys, exactly one of extract/find/sourceRef,
regular expressions compile, durations parse, creationPolicy/deletionPolicy combinations, ...).

Files may hold several YAML documents. Directories are searched recursively for *.yaml and *.yml.
Objects of other API groups (Secret, ServiceAccount, ...) are parsed but not validated.
Prints one line per problem, "Kind namespace/name: field.path: message", and exits 1 on any error.
Unknown fields are warnings: Kubernetes drops them, so they do not make a manifest invalid.

Flags:
  -f, --filename FILE|DIR   file or directory to validate (repeatable; "-" reads stdin)

Examples:
  eso validate -f examples/
  eso validate -f externalsecret.yaml -f secretstore.yaml
  kubectl get es -A -o yaml | eso validate -f -
`;

async function collect(path: string): Promise<string[]> {
  if (path === "-") return [path];
  const info = await stat(path);
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

async function readInput(file: string): Promise<string> {
  if (file !== "-") return readFile(file, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** kubectl's `kind: List` output holds its objects in items. */
function flatten(doc: unknown): unknown[] {
  const o = doc as { kind?: unknown; items?: unknown };
  if (o && typeof o === "object" && typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) {
    return o.items.flatMap(flatten);
  }
  return [doc];
}

interface FileResult {
  objects: number;
  validated: number;
  errors: string[];
  warnings: string[];
}

export async function validateText(text: string, file: string): Promise<FileResult> {
  const result: FileResult = { objects: 0, validated: 0, errors: [], warnings: [] };
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) result.errors.push(`${file}: YAML: ${e.message.split("\n")[0]}`);
      continue;
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    for (const obj of flatten(value)) {
      result.objects++;
      if (!isESOObject(obj) && obj && typeof obj === "object" && "apiVersion" in obj) continue;
      result.validated++;
      for (const e of validateObject(obj)) {
        (e.severity === "error" ? result.errors : result.warnings).push(`${file}: ${formatValidationError(e)}`);
      }
    }
  }
  return result;
}

function parseArgs(argv: string[]): { paths: string[] } | { error: string } {
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-f" || arg === "--filename") {
      const next = argv[++i];
      if (next === undefined) return { error: `${arg} needs a file or directory` };
      paths.push(next);
    } else if (arg.startsWith("--filename=")) {
      paths.push(arg.slice("--filename=".length));
    } else if (arg.startsWith("-f") && arg.length > 2) {
      paths.push(arg.slice(2));
    } else {
      return { error: `unexpected argument "${arg}"` };
    }
  }
  if (paths.length === 0) return { error: "at least one -f FILE|DIR is required" };
  return { paths };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if ("error" in parsed) {
    process.stderr.write(`eso validate: ${parsed.error}\n\n${help}`);
    return 2;
  }
  let files: string[] = [];
  for (const p of parsed.paths) {
    try {
      files.push(...(await collect(p)));
    } catch (err) {
      process.stderr.write(
        `eso validate: ${p}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message}\n`,
      );
      return 1;
    }
  }
  files = [...new Set(files)];
  let objects = 0;
  let validated = 0;
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const r = await validateText(await readInput(file), file);
    objects += r.objects;
    validated += r.validated;
    errors += r.errors.length;
    warnings += r.warnings.length;
    for (const line of [...r.errors, ...r.warnings]) process.stdout.write(`${line}\n`);
  }
  const warned = warnings > 0 ? `, ${warnings} warning(s)` : "";
  const summary = `${files.length} file(s), ${objects} object(s), ${validated} ESO object(s) validated${warned}`;
  if (errors > 0) {
    process.stderr.write(`${summary}: ${errors} error(s)\n`);
    return 1;
  }
  process.stdout.write(`${summary}: no errors\n`);
  return 0;
}
