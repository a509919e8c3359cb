/**
 * The two API servers the fidelity test drives with the same requests: the real kube-apiserver (+ etcd) and our
 * in-process one. Each target offers raw HTTP (with the admin token), a bounded raw watch, and kubectl with its own
 * kubeconfig and discovery cache.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startApiServer } from "../../../src/apiserver/index.js";
import { repoRoot } from "../../api/repo.js";

type RC = typeof import("../../../scripts/lib/real-components.mjs");

export interface Reply {
  status: number;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: any;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
}

export interface Target {
  name: "real" | "ours";
  url: string;
  http(method: string, path: string, opts?: RequestOptions): Promise<Reply>;
  /** Opens a watch, returns the events it delivers until `count` arrived, the server ended it, or `ms` passed. */
  watch(path: string, count: number, ms?: number): Promise<{ status: number; events: any[] }>;
  kubectl(args: string[], stdin?: string): Promise<CliResult>;
  /** Starts `kubectl <args>` (a watch); stop() ends it and returns what it printed so far. */
  kubectlStream(args: string[]): { lines(): string[]; stop(): Promise<CliResult> };
}

interface Conn {
  base: URL;
  token: string;
  ca?: Buffer;
}

function open(conn: Conn, method: string, path: string, opts: RequestOptions) {
  const url = new URL(path, conn.base);
  const body =
    opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${conn.token}`,
    Accept: opts.accept ?? "application/json",
  };
  if (body !== undefined) {
    headers["Content-Type"] = opts.contentType ?? "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(body));
  }
  const req =
    url.protocol === "https:"
      ? httpsRequest(url, { method, headers, ca: conn.ca })
      : httpRequest(url, { method, headers });
  if (body !== undefined) req.write(body);
  return req;
}

function parse(text: string, contentType: string): any {
  if (/json/.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function connTarget(name: Target["name"], conn: Conn, kubeconfig: string, kubectlBin: string, home: string): Target {
  const env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(home, "cache") };
  return {
    name,
    url: conn.base.href,
    http(method, path, opts = {}) {
      return new Promise((resolve, reject) => {
        const req = open(conn, method, path, opts);
        req.on("error", reject);
        req.on("response", (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const contentType = String(res.headers["content-type"] ?? "");
            resolve({
              status: res.statusCode ?? 0,
              contentType,
              headers: res.headers,
              body: parse(Buffer.concat(chunks).toString("utf8"), contentType),
            });
          });
          res.on("error", reject);
        });
        req.end();
      });
    },
    watch(path, count, ms = 4000) {
      return new Promise((resolve, reject) => {
        const req = open(conn, "GET", path, {});
        const events: any[] = [];
        let status = 0;
        let buf = "";
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          req.destroy();
          resolve({ status, events });
        };
        const timer = setTimeout(finish, ms);
        req.on("error", (e) => (done ? undefined : events.length ? finish() : reject(e)));
        req.on("response", (res: IncomingMessage) => {
          status = res.statusCode ?? 0;
          res.on("data", (c: Buffer) => {
            buf += c.toString("utf8");
            let nl = buf.indexOf("\n");
            while (nl >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (line) events.push(parse(line, "application/json"));
              nl = buf.indexOf("\n");
            }
            if (events.length >= count) finish();
          });
          res.on("end", () => {
            if (buf.trim()) events.push(parse(buf.trim(), "application/json"));
            finish();
          });
        });
        req.end();
      });
    },
    kubectl(args, stdin) {
      return new Promise((resolve) => {
        const child = execFile(kubectlBin, args, { env, encoding: "utf8" }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as any).code === "number" ? (err as any).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
        if (stdin !== undefined) child.stdin?.end(stdin);
      });
    },
    kubectlStream(args) {
      const child = spawn(kubectlBin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString("utf8");
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString("utf8");
      });
      const exited = new Promise<void>((r) => child.on("close", () => r()));
      return {
        lines: () => stdout.split("\n").filter((l) => l !== ""),
        async stop() {
          child.kill("SIGTERM");
          await exited;
          return { code: 0, stdout, stderr };
        },
      };
    },
  };
}

export interface Targets {
  real: Target;
  ours: Target;
  stop(): Promise<void>;
}

/** Starts the real control plane and our server; both stop together. */
export async function startTargets(): Promise<Targets> {
  const rc: RC = await import(pathToFileURL(join(repoRoot(), "scripts/lib/real-components.mjs")).href);
  const bins = await rc.binaries();
  const home = await mkdtemp(join(tmpdir(), "eso-fidelity-"));
  const cp = await rc.startControlPlane({ assets: bins.assets });
  const ours = await startApiServer();
  const oursKubeconfig = join(home, "ours.kubeconfig");
  await ours.writeKubeconfig(oursKubeconfig);
  const oursToken = ours.kubeConfig().getCurrentUser()?.token ?? "";
  await mkdir(join(home, "real"));
  await mkdir(join(home, "ours"));
  return {
    real: connTarget(
      "real",
      { base: new URL(cp.url), token: cp.adminToken, ca: readFileSync(cp.caFile) },
      cp.tokenKubeconfig,
      bins.kubectl,
      join(home, "real"),
    ),
    ours: connTarget(
      "ours",
      { base: new URL(ours.url), token: oursToken },
      oursKubeconfig,
      bins.kubectl,
      join(home, "ours"),
    ),
    async stop() {
      await ours.stop();
      await cp.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
