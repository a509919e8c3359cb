/** Runs the compiled `eso` CLI from the repository root (sync for quick commands, async for long-running ones). */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../support/kubectl.js";

export const cliPath = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function eso(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot(), encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs eso to completion without blocking the event loop. */
export function esoAsync(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running eso process whose output can be awaited line by line. */
export class RunningEso {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  private readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot(), stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.on("data", (d) => {
      this.stdout += d;
    });
    this.child.stderr!.on("data", (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const m = this.stdout.match(pattern);
      if (m) return m;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no output matching ${pattern}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
  }

  type(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Sends the signal and resolves with the exit code (SIGKILL after a grace period). */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 30_000): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
