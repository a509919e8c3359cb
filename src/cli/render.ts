/** `eso render`: what Secret would this ExternalSecret produce? A dry run, nothing is written anywhere. */
import "../generators/all.js";
import { stringify as toYaml } from "yaml";
import { loadProvidersFor } from "../sandbox/load-providers.js";
import { describe, type LoadedManifest, loadManifests, ManifestError } from "../sandbox/manifests.js";
import { maskSecret, RenderError, renderExternalSecret } from "../sandbox/render.js";

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
  -f, --filename FILE|DIR   manifests: one ExternalSecret plus its stores, generators, ConfigMaps (repeatable)
  --secret-file FILE        YAML with Secret manifests: store credentials, templateFrom Secrets, or the
                            existing target Secret for creationPolicy=Merge (repeatable)
  --data KEY=VALUE          a remote secret in place of the provider (repeatable); a JSON value works
                            with remoteRef.property and dataFrom.extract
  --name [NS/]NAME          which ExternalSecret, when the files hold several
  --show-values             print the values instead of masking them
  -o, --output yaml|json    output format (default yaml)

Exit codes: 0 rendered, 1 the ExternalSecret could not be rendered (the message names the field, key
or object), 2 usage error.

Examples:
  eso render -f examples/sandbox/20-externalsecret-data.yaml -f examples/sandbox/10-secretstore.yaml
  eso render -f examples/sandbox/ --name sandbox/app-config --show-values -o json
  eso render -f es.yaml -f vault-store.yaml --secret-file vault-token.yaml
  eso render -f examples/externalsecrets/template.yaml --data registry='{"user":"u","password":"p"}'
`;

interface Args {
  files: string[];
  secretFiles: string[];
  data?: Record<string, string>;
  name?: string;
  showValues: boolean;
  output: "yaml" | "json";
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { files: [], secretFiles: [], showValues: false, output: "yaml" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    let v: string | undefined;
    switch (flag) {
      case "-f":
      case "--filename":
        v = value();
        if (v === undefined) return `${flag} needs a file or directory`;
        args.files.push(v);
        break;
      case "--secret-file":
        v = value();
        if (v === undefined) return "--secret-file needs a file";
        args.secretFiles.push(v);
        break;
      case "--data": {
        v = value();
        const at = v?.indexOf("=") ?? -1;
        if (v === undefined || at <= 0) return `--data needs KEY=VALUE, got ${JSON.stringify(v ?? "")}`;
        args.data = { ...(args.data ?? {}), [v.slice(0, at)]: v.slice(at + 1) };
        break;
      }
      case "--name":
        v = value();
        if (!v) return "--name needs [NAMESPACE/]NAME";
        args.name = v;
        break;
      case "--show-values":
        if (inline !== undefined) return "--show-values takes no value";
        args.showValues = true;
        break;
      case "-o":
      case "--output":
        v = value();
        if (v !== "yaml" && v !== "json") return `${flag} must be yaml or json, got ${JSON.stringify(v ?? "")}`;
        args.output = v;
        break;
      default:
        return `unknown argument ${JSON.stringify(arg)}`;
    }
  }
  if (args.files.length === 0) return "at least one -f FILE|DIR (holding the ExternalSecret) is required";
  return args;
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
  const args = parseArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(`eso render: ${args}\n\nRun 'eso render --help' for usage.\n`);
    return 2;
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
  await loadProvidersFor(objects);
  try {
    const result = await renderExternalSecret({ externalSecret: picked.obj, objects, data: args.data });
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
