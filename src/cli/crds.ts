/** `eso crds`: print the CustomResourceDefinition bundle. */
import { crdsYAML } from "../api/crds.js";
import { FlagError, parseFlags, usageError } from "./flags.js";

export const help = `Usage: eso crds

Print every CustomResourceDefinition of the external-secrets.io and generators.external-secrets.io
API (v1 storage, v1beta1 served, PushSecret v1alpha1, generators v1alpha1) as multi-document YAML.

Examples:
  eso crds > deploy/crds/bundle.yaml
  eso crds | kubectl apply --server-side -f -
`;

export async function run(argv: string[]): Promise<number> {
  try {
    parseFlags(argv, {});
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("crds", err.message);
  }
  process.stdout.write(crdsYAML());
  return 0;
}
