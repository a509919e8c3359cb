// Splits deploy/crds/bundle.yaml into one file per CRD under the Helm chart's files/crds/,
// which templates/crds.yaml renders (Helm cannot read files outside the chart directory).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const out = "deploy/charts/external-secrets/files/crds";
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(join(out, f));
const docs = parseAllDocuments(readFileSync("deploy/crds/bundle.yaml", "utf8"));
for (const doc of docs) {
  const crd = doc.toJS();
  if (!crd) continue;
  writeFileSync(join(out, `${crd.metadata.name}.yaml`), doc.toString());
}
console.log(`wrote ${docs.length} CRDs to ${out}`);
