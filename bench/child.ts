/** Parent side of the controller child process: spawn, ask for stats, stop. */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildConfig, ChildStats } from "./controller.js";

export class ControllerChild {
  private seq = 1;
  private readonly pending = new Map<number, (s: ChildStats) => void>();
  private constructor(private readonly proc: ChildProcess) {
    proc.on("message", (m: { id: number; stats: ChildStats }) => {
      this.pending.get(m.id)?.(m.stats);
      this.pending.delete(m.id);
    });
  }

  /** Starts the controller child; resolves once it is running. */
  static async start(cfg: ChildConfig, env: NodeJS.ProcessEnv = {}, execArgv: string[] = []): Promise<ControllerChild> {
    const script = fileURLToPath(new URL("./controller.js", import.meta.url));
    const proc = fork(script, [JSON.stringify(cfg)], {
      env: { ...process.env, ...env },
      execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const child = new ControllerChild(proc);
    await new Promise<void>((resolve, reject) => {
      child.pending.set(0, () => resolve());
      proc.once("exit", (code) => reject(new Error(`controller child exited with ${code}`)));
    });
    return child;
  }

  private ask(type: string): Promise<ChildStats> {
    const id = this.seq++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.proc.send({ type, id });
    });
  }

  /** Set when the child died (e.g. out of memory). */
  get exitCode(): number | null {
    return this.proc.exitCode ?? (this.proc.signalCode ? 128 : null);
  }

  kill(): void {
    if (this.exitCode === null) this.proc.kill("SIGKILL");
  }

  stats(): Promise<ChildStats> {
    return this.ask("stats");
  }

  async stop(): Promise<ChildStats> {
    const s = await this.ask("stop");
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) resolve();
      else this.proc.once("exit", () => resolve());
    });
    return s;
  }
}
