/**
 * The Go oracle (test/oracle, built by scripts/oracle.sh) as a child process: requests go out as JSON lines and
 * answers come back in order, so one process serves every case of a run.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { repoPath } from "../../api/repo.js";

export interface TemplateRequest {
  op: "template";
  name: string;
  text: string;
  data: Record<string, string>;
}

export interface RegexpRequest {
  op: "regexp";
  expr: string;
  input: string;
  repl: string;
  n: number;
}

export type OracleRequest = TemplateRequest | RegexpRequest;

/** Go's answer. `out` and `err` are base64 of Go's bytes (Go strings need not be UTF-8). */
export interface OracleResponse {
  ok: boolean;
  out?: string;
  err?: string;
  compileErr?: string;
  match?: boolean;
  /** FindAllStringSubmatchIndex: byte offsets, -1 for a group that did not take part. */
  matches?: number[][];
  replaced?: string;
  split?: string[];
  names?: string[];
}

/** Builds the oracle (cached) through scripts/oracle.sh and returns the binary's path. */
export function buildOracle(): string {
  const out = execFileSync("bash", [repoPath("scripts/oracle.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 20 * 60_000,
  });
  return out.trim().split("\n").at(-1) ?? "";
}

export class Oracle {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (r: OracleResponse) => void; reject: (e: Error) => void }[] = [];
  private exited: string | undefined;

  constructor(binary: string) {
    this.proc = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    this.proc.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    createInterface({ input: this.proc.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      this.waiting.shift()?.resolve(JSON.parse(line) as OracleResponse);
    });
    this.proc.on("exit", (code, signal) => {
      this.exited = `oracle exited (${code ?? signal}): ${stderr}`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.exited));
    });
  }

  /** Answers for every request, in order. */
  async ask(requests: readonly OracleRequest[]): Promise<OracleResponse[]> {
    if (this.exited) throw new Error(this.exited);
    const answers = requests.map(
      () => new Promise<OracleResponse>((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    // written in one go; the pipe's back-pressure is the stream's business
    this.proc.stdin.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(""));
    return Promise.all(answers);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.proc.once("exit", resolve));
    this.proc.stdin.end();
    await gone;
  }
}
