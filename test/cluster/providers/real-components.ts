/** The real components' binaries, looked up (and built or installed when missing) once per test file. */
import { type RealComponents, realComponents } from "../support/components.js";

export { realComponents };
export type Binaries = Awaited<ReturnType<RealComponents["binaries"]>>;

let bins: Promise<Binaries> | undefined;

export async function realBinaries(): Promise<Binaries> {
  const rc = await realComponents();
  bins ??= rc.binaries();
  return bins;
}
