/**
 * How many of upstream ESO's CRD leaf fields our CRDs serve, per kind. Upstream's fields are transcribed in
 * test/fixtures/upstream-crds/*.paths (source commit in each file's header). `npx tsx test/api/upstream-coverage.ts`
 * prints the figures and the README line.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCRDs, specLeafPaths } from "./crd-fields.js";
import { repoPath } from "./repo.js";

export const measuredKinds = [
  { kind: "ExternalSecret", file: "externalsecrets.paths", scope: "" },
  { kind: "ClusterExternalSecret", file: "clusterexternalsecrets.paths", scope: "" },
  { kind: "PushSecret", file: "pushsecrets.paths", scope: "" },
  { kind: "SecretStore", file: "secretstores-nonprovider.paths", scope: "outside spec.provider" },
] as const;

export interface Coverage {
  kind: string;
  scope: string;
  served: number;
  total: number;
  missing: string[];
  /** Fields we accept that upstream's CRD does not have (within the same scope). */
  extra: string[];
  percent: number;
}

export function upstreamPaths(file: string): string[] {
  return readFileSync(repoPath("test/fixtures/upstream-crds", file), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

export function coverage(): Coverage[] {
  const crds = readCRDs(repoPath("deploy/crds/bundle.yaml"));
  return measuredKinds.map(({ kind, file, scope }) => {
    const crd = crds.find((c) => c.spec.names.kind === kind);
    if (!crd) throw new Error(`${kind} not in the bundle`);
    const inScope = (p: string) => scope === "" || !p.startsWith("spec.provider.");
    const ours = new Set(specLeafPaths(crd).filter(inScope));
    const upstream = upstreamPaths(file);
    const missing = upstream.filter((p) => !ours.has(p));
    const upstreamSet = new Set(upstream);
    return {
      kind,
      scope,
      served: upstream.length - missing.length,
      total: upstream.length,
      missing,
      extra: [...ours].filter((p) => !upstreamSet.has(p)),
      percent: Math.floor(((upstream.length - missing.length) * 1000) / upstream.length) / 10,
    };
  });
}

/** `ExternalSecret 59/64 (92.1%)`: the form the README states. */
export const figure = (c: Coverage) =>
  `${c.kind}${c.scope ? ` (${c.scope})` : ""} ${c.served}/${c.total} (${c.percent}%)`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const c of coverage()) {
    console.log(figure(c));
    for (const m of c.missing) console.log(`  missing ${m}`);
    for (const e of c.extra) console.log(`  extra   ${e}`);
  }
}
