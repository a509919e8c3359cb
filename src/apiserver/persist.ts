/**
 * --data-dir persistence: the whole state in one JSON file, written atomically and debounced after changes. The
 * state holds Secrets and the signing key mints tokens, so both are owner-only (0600) in an owner-only directory.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "./engine.js";
import type { KObj } from "./types.js";

const stateFile = "state.json";
const keyFile = "sa-signing-key.pem";
const ownerOnlyFile = 0o600;
const ownerOnlyDir = 0o700;

/** Creates `dir` owner-only when missing; an existing directory keeps the mode its owner gave it. */
function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: ownerOnlyDir });
}

/** Files written before modes were enforced are narrowed on first use. */
function narrow(file: string): void {
  if (existsSync(file)) chmodSync(file, ownerOnlyFile);
}

/** Writes `file` through a fresh owner-only temporary file and a rename, so readers never see it half-written. */
function writeOwnerOnly(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  // "wx": a file left at the temporary name cannot lend the new state its (possibly wider) mode.
  writeFileSync(tmp, data, { mode: ownerOnlyFile, flag: "wx" });
  renameSync(tmp, file);
}

export function loadSigningKey(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, keyFile), "utf8");
  } catch {
    return undefined;
  }
}

export function saveSigningKey(dir: string, pem: string): void {
  ensureDir(dir);
  writeOwnerOnly(join(dir, keyFile), pem);
}

export function loadState(dir: string): { rv: number; objects: KObj[] } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, stateFile), "utf8");
  } catch {
    return undefined;
  }
  const state = JSON.parse(text);
  if (typeof state?.rv !== "number" || !Array.isArray(state.objects)) {
    throw new Error(`${join(dir, stateFile)} is not a state file written by this server`);
  }
  return state;
}

export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly dir: string,
    private readonly engine: Engine,
    private readonly delayMs = 200,
  ) {
    ensureDir(dir);
    narrow(join(dir, stateFile));
    narrow(join(dir, keyFile));
  }

  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return;
    this.dirty = false;
    writeOwnerOnly(join(this.dir, stateFile), JSON.stringify(this.engine.snapshot()));
  }
}
