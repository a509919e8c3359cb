/** `eso render`: what Secret would this ExternalSecret produce? A dry run, nothing is written anywhere. */
import { stringify as toYaml } from "yaml";
import { parseDuration } from "../api/duration.js";
import { registerBuiltinGenerators } from "../generators/builtin.js";
import { registerBuiltinProviders } from "../providers/builtin.js";
import { ClientCaches } from "../providers/caches.js";
import { describe, type LoadedManifest, loadManifests, ManifestError } from "../sandbox/manifests.js";
import { maskSecret, RenderError, renderExternalSecret } from "../sandbox/render.js";
import { FlagError, type FlagSpec, parseFlags, usageError } from "./flags.js";

export const help = `Usage: eso render -f FILE|DIR [-f ...] [--secret-file FILE ...] [--data KEY=VALUE ...]
                  [--name [NAMESPACE/]NAME] [--show-values] [-o yaml|json]

Runs one ExternalSecret through the same code the controller uses (provider, dataFrom rewrites, key
conversion, decoding, generators, templates) and prints the Secret it would create. Nothing is written
to any cluster; no kubeconfig is read.

Stores, generators and templateFrom ConfigMaps/Secrets come from the -f files. Credentials the store
refers to (secretRef) come from Secret manifests given with --secret-file (or -f). With --data, every
store is replaced by the given remote values (remote key = value), so no provider is contacted.
A v1beta1 manifest is converted to v1 first, as the API server would.

Values are masked unless --show-values is given; then "data" holds the exact base64 values the
Secret would store. Notes (missing keys, policy effects, warnings) go to stderr.

Flags:
  -f, --filename FILE|DIR   manifests: one ExternalSecret plus its stores, generators, ConfigMaps (repeatable;
                            "-" reads stdin)
  --secret-file FILE        YAML with Secret manifests: store credentials, templateFrom Secrets, or the
                            existing target Secret for creationPolicy=Merge (repeatable)
  --data KEY=VALUE          a remote secret in place of the provider (repeatable); a JSON value works
                            with remoteRef.property and dataFrom.extract
  --name [NS/]NAME          which ExternalSecret, when the files hold several
  --show-values             print the values instead of masking them
  -o, --output yaml|json    output format (default yaml)
  --template-timeout DUR    deadline for rendering one template, as the controller's (default 2s); templates
                            also have the controller's 64 MiB memory budget

Exit codes: 0 rendered, 1 the ExternalSecret could not be rendered (the message names the field, key
or object), 2 usage error.

Examples:
  eso render -f examples/sandbox/20-externalsecret-data.yaml -f examples/sandbox/10-secretstore.yaml
  eso render -f examples/sandbox/ --name sandbox/app-config --show-values -o json
  eso render -f es.yaml -f vault-store.yaml --secret-file vault-token.yaml
  eso render -f examples/externalsecrets/template.yaml --data registry='{"user":"u","password":"p"}'
`;

const flags: Record<string, FlagSpec> = {
  filename: { type: "string", default: "", help: "manifests (repeatable)", alias: "f" },
  "secret-file": { type: "string", default: "", help: "Secret manifests (repeatable)" },
  data: { type: "string", default: "", help: "KEY=VALUE in place of the provider (repeatable)" },
  name: { type: "string", default: "", help: "which ExternalSecret" },
  "show-values": { type: "bool", default: "false", help: "print the values" },
  output: { type: "string", default: "yaml", help: "output format", alias: "o", choices: ["yaml", "json"] },
  "template-timeout": { type: "string", default: "2s", help: "deadline for rendering one template" },
};

interface Args {
  files: string[];
  secretFiles: string[];
  data?: Record<string, string>;
  name?: string;
  showValues: boolean;
  output: string;
  templateTimeoutMs: number;
}

/** Throws FlagError. */
function parseArgs(argv: string[]): Args {
  const values = parseFlags(argv, flags);
  const entries = values.all("data").map((entry) => {
    const at = entry.indexOf("=");
    if (at <= 0) throw new FlagError(`flag --data: want KEY=VALUE, got ${JSON.stringify(entry)}`);
    return [entry.slice(0, at), entry.slice(at + 1)] as const;
  });
  const files = values.all("filename");
  if (files.length === 0) throw new FlagError("at least one -f FILE|DIR (holding the ExternalSecret) is required");
  let templateTimeoutMs: number;
  try {
    templateTimeoutMs = parseDuration(values.get("template-timeout")!);
  } catch (err) {
    throw new FlagError(`flag --template-timeout: ${(err as Error).message}`);
  }
  if (!(templateTimeoutMs > 0)) throw new FlagError("flag --template-timeout: must be positive");
  return {
    files,
    secretFiles: values.all("secret-file"),
    data: entries.length > 0 ? Object.fromEntries(entries) : undefined,
    name: values.get("name") || undefined,
    showValues: values.get("show-values") === "true",
    output: values.get("output")!,
    templateTimeoutMs,
  };
}

function pickExternalSecret(all: LoadedManifest[], name: string | undefined): LoadedManifest | string {
  let candidates = all.filter(
    (m) => m.obj.kind === "ExternalSecret" && m.obj.apiVersion.startsWith("external-secrets.io/"),
  );
  if (name) {
    const [ns, n] = name.includes("/") ? name.split("/", 2) : [undefined, name];
    candidates = candidates.filter(
      (m) => m.obj.metadata.name === n && (!ns || (m.obj.metadata.namespace ?? "default") === ns),
    );
    if (candidates.length === 0) return `no ExternalSecret named ${JSON.stringify(name)} in the -f files`;
  }
  if (candidates.length === 0) return "the -f files hold no ExternalSecret";
  if (candidates.length > 1) {
    const names = candidates.map((m) => `${m.obj.metadata.namespace ?? "default"}/${m.obj.metadata.name}`);
    return `the -f files hold ${candidates.length} ExternalSecrets (${names.join(", ")}); pick one with --name`;
  }
  return candidates[0]!;
}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("render", err.message);
  }
  let manifests: LoadedManifest[];
  let secrets: LoadedManifest[];
  try {
    manifests = await loadManifests(args.files);
    secrets = await loadManifests(args.secretFiles);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    process.stderr.write(`eso render: ${err.message}\n`);
    return 2;
  }
  const wrong = secrets.find((m) => m.obj.apiVersion !== "v1" || m.obj.kind !== "Secret");
  if (wrong) {
    process.stderr.write(
      `eso render: ${wrong.file}: --secret-file holds ${describe(wrong.obj)}; only v1 Secrets belong there\n`,
    );
    return 2;
  }
  const picked = pickExternalSecret(manifests, args.name);
  if (typeof picked === "string") {
    process.stderr.write(`eso render: ${picked}\n`);
    return 2;
  }
  const objects = [...manifests.filter((m) => m !== picked), ...secrets].map((m) => m.obj);
  registerBuiltinGenerators();
  try {
    const result = await renderExternalSecret({
      externalSecret: picked.obj,
      objects,
      data: args.data,
      templateTimeoutMs: args.templateTimeoutMs,
      providers: { registry: registerBuiltinProviders(), caches: new ClientCaches() },
    });
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
    const secret = args.showValues ? result.secret : maskSecret(result.secret);
    process.stdout.write(args.output === "json" ? `${JSON.stringify(secret, null, 2)}\n` : toYaml(secret));
    const keys = Object.keys(secret.data ?? {}).length;
    const masked = args.showValues ? "" : " (values masked; --show-values prints them)";
    process.stderr.write(
      `rendered Secret ${secret.metadata.namespace}/${secret.metadata.name} from ${describe(picked.obj)}: ${keys} key(s)${masked}\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    process.stderr.write(`eso render: ${describe(picked.obj)}: ${err.message}\n`);
    return 1;
  }
}
