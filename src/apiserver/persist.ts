/** --data-dir persistence: the whole state in one JSON file, written atomically and debounced after changes. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "./engine.js";
import type { KObj } from "./types.js";

const stateFile = "state.json";
const keyFile = "sa-signing-key.pem";

export function loadSigningKey(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, keyFile), "utf8");
  } catch {
    return undefined;
  }
}

export function saveSigningKey(dir: string, pem: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, keyFile), pem, { mode: 0o600 });
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
    mkdirSync(dir, { recursive: true });
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
    const file = join(this.dir, stateFile);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.engine.snapshot()));
    renameSync(tmp, file);
  }
}
