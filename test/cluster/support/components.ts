/**
 * scripts/lib/real-components.mjs loaded at run time from the repository root: tests compile into dist/ (or
 * .build/<name>/), where a static relative import would point at the wrong folder.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../../api/repo.js";

export type RealComponents = typeof import("../../../scripts/lib/real-components.mjs");
export type ControlPlane = Awaited<ReturnType<RealComponents["startControlPlane"]>>;
export type Proc = ReturnType<RealComponents["startProcess"]>;

let loaded: Promise<RealComponents> | undefined;

export function realComponents(): Promise<RealComponents> {
  loaded ??= import(pathToFileURL(join(repoRoot(), "scripts/lib/real-components.mjs")).href) as Promise<RealComponents>;
  return loaded;
}
