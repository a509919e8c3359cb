/** `eso validate -f FILE|DIR ...`: validate ESO manifests offline. */
import { formatValidationError, isESOObject } from "../api/validation.js";
import { registerBuiltinProviders } from "../providers/builtin.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { validateManifest } from "../providers/store-validation.js";
import { ManifestError, manifestFiles, readManifestFile, yamlDocuments } from "../sandbox/manifests.js";
import { FlagError, type FlagSpec, parseFlags, usageError } from "./flags.js";

export const help = `Usage: eso validate -f FILE|DIR [-f FILE|DIR ...]

Validate external-secrets.io manifests (v1 and v1beta1; PushSecret and generators v1alpha1) without a
cluster: schema (field names, types, enums, defaults' domains, unknown fields) and the rules ESO's
admission webhooks enforce (exactly one provider, valid secret keys, exactly one of extract/find/sourceRef,
regular expressions compile, durations parse, creationPolicy/deletionPolicy combinations, ...), including
each store's provider checks (required fields, URLs, auth combinations), as the admission webhook runs them.

Files may hold several YAML documents. Directories are searched recursively for *.yaml and *.yml.
Objects of other API groups (Secret, ServiceAccount, ...) are parsed but not validated; documents with
neither apiVersion nor kind (Helm values, config files) are skipped as not Kubernetes objects.
Prints one line per problem, "Kind namespace/name: field.path: message", and exits 1 on any error.
Unknown fields are warnings: Kubernetes drops them, so they do not make a manifest invalid.

Flags:
  -f, --filename FILE|DIR   file or directory to validate (repeatable; "-" reads stdin)

Examples:
  eso validate -f examples/
  eso validate -f externalsecret.yaml -f secretstore.yaml
  kubectl get es -A -o yaml | eso validate -f -
`;

interface FileResult {
  objects: number;
  validated: number;
  /** Documents with neither apiVersion nor kind (Helm values, config files): not Kubernetes objects. */
  skipped: number;
  errors: string[];
  warnings: string[];
}

export async function validateText(text: string, file: string, providers: ProviderRegistry): Promise<FileResult> {
  const result: FileResult = { objects: 0, validated: 0, skipped: 0, errors: [], warnings: [] };
  for (const doc of yamlDocuments(text)) {
    if (doc.errors) {
      for (const e of doc.errors) result.errors.push(`${file}: YAML: ${e}`);
      continue;
    }
    for (const obj of doc.objects) {
      if (notAKubernetesObject(obj)) {
        result.skipped++;
        continue;
      }
      result.objects++;
      if (!isESOObject(obj) && obj && typeof obj === "object" && "apiVersion" in obj) continue;
      result.validated++;
      for (const e of validateManifest(obj, providers)) {
        (e.severity === "error" ? result.errors : result.warnings).push(`${file}: ${formatValidationError(e)}`);
      }
    }
  }
  return result;
}

function notAKubernetesObject(obj: unknown): boolean {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj) && !("apiVersion" in obj) && !("kind" in obj);
}

const flags: Record<string, FlagSpec> = {
  filename: { type: "string", default: "", help: "file or directory to validate (repeatable)", alias: "f" },
};

export async function run(argv: string[]): Promise<number> {
  let paths: string[];
  try {
    paths = parseFlags(argv, flags).all("filename");
    if (paths.length === 0) throw new FlagError("at least one -f FILE|DIR is required");
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("validate", err.message);
  }
  let files: string[] = [];
  let objects = 0;
  let validated = 0;
  let skipped = 0;
  let errors = 0;
  let warnings = 0;
  try {
    files = await manifestFiles(paths);
    const providers = registerBuiltinProviders();
    for (const file of files) {
      const r = await validateText(await readManifestFile(file), file, providers);
      objects += r.objects;
      validated += r.validated;
      skipped += r.skipped;
      errors += r.errors.length;
      warnings += r.warnings.length;
      for (const line of [...r.errors, ...r.warnings]) process.stdout.write(`${line}\n`);
    }
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    process.stderr.write(`eso validate: ${err.message}\n`);
    return 1;
  }
  const warned = warnings > 0 ? `, ${warnings} warning(s)` : "";
  const skip = skipped > 0 ? `, ${skipped} document(s) skipped (not Kubernetes objects)` : "";
  const summary = `${files.length} file(s), ${objects} object(s), ${validated} ESO object(s) validated${skip}${warned}`;
  if (errors > 0) {
    process.stderr.write(`${summary}: ${errors} error(s)\n`);
    return 1;
  }
  process.stdout.write(`${summary}: no errors\n`);
  return 0;
}
