/**
 * Leaf field paths of CRD schemas: `spec.dataFrom[].find.name.regexp`. `[]` steps into array items, `{}` into the
 * values of a map whose values are objects. A leaf is a scalar, a list or map of scalars, or a free-form object
 * (x-kubernetes-preserve-unknown-fields without properties). An object declared with no properties holds no field.
 * `npx tsx test/api/crd-fields.ts` prints every `<Kind> <path>` of deploy/crds/bundle.yaml.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { repoPath } from "./repo.js";

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  [k: string]: unknown;
};

export interface CRD {
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Schema } }[];
  };
}

export function readCRDs(file: string): CRD[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS())
    .filter((c) => c?.kind === "CustomResourceDefinition") as CRD[];
}

const isObjectSchema = (s: Schema | boolean | undefined): s is Schema =>
  typeof s === "object" && s !== null && (s.properties !== undefined || s.items !== undefined);

export function leafPaths(schema: Schema, prefix = ""): string[] {
  const out: string[] = [];
  const join = (name: string) => (prefix ? `${prefix}.${name}` : name);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    out.push(...leavesOf(child, join(name)));
  }
  return out;
}

function leavesOf(node: Schema, path: string): string[] {
  if (node.properties && Object.keys(node.properties).length > 0) return leafPaths(node, path);
  // `properties: {}` without preserve-unknown-fields accepts no field at all (UUID's spec).
  if (node.properties && node["x-kubernetes-preserve-unknown-fields"] !== true) return [];
  if (node.items && isObjectSchema(node.items)) return leavesOf(node.items, `${path}[]`);
  if (isObjectSchema(node.additionalProperties)) return leavesOf(node.additionalProperties, `${path}{}`);
  return [path];
}

/** The storage version's leaf paths under `spec` (what users write), optionally `status` too. */
export function specLeafPaths(crd: CRD, opts: { version?: string; withStatus?: boolean } = {}): string[] {
  const version = opts.version
    ? crd.spec.versions.find((v) => v.name === opts.version)
    : crd.spec.versions.find((v) => v.storage);
  if (!version) throw new Error(`${crd.metadata.name}: no version ${opts.version ?? "(storage)"}`);
  const root = version.schema.openAPIV3Schema;
  return leafPaths(root).filter(
    (p) => p.startsWith("spec.") || p === "spec" || (opts.withStatus === true && p.startsWith("status.")),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const crd of readCRDs(repoPath("deploy/crds/bundle.yaml"))) {
    for (const p of specLeafPaths(crd)) console.log(`${crd.spec.names.kind} ${p}`);
  }
}
