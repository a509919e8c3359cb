/**
 * Runs `eso <command>` (the compiled CLI) as a separate process, as its container would, and waits for /readyz.
 */
import { fileURLToPath } from "node:url";
import type { Cluster } from "./cluster.js";
import type { Proc } from "./components.js";

const cliMain = fileURLToPath(new URL("../../../src/cli/main.js", import.meta.url));

export interface EsoProcess {
  proc: Proc;
  healthUrl: string;
  /** SIGTERM (graceful: releases the leader lease), SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<unknown>;
  /** SIGKILL at once: a crashed replica. */
  kill(): void;
}

export async function startEso(
  cluster: Cluster,
  name: string,
  command: "controller" | "webhook" | "certcontroller",
  args: string[],
  opts: { waitReady?: boolean; env?: Record<string, string> } = {},
): Promise<EsoProcess> {
  const port = await cluster.rc.freePort();
  const healthAddr = `127.0.0.1:${port}`;
  const proc = cluster.rc.startProcess(
    name,
    process.execPath,
    [cliMain, command, ...args, "--metrics-addr", "0", "--health-addr", healthAddr],
    { dir: cluster.cp.dir, env: { ...opts.env, KUBECONFIG: undefined, POD_NAMESPACE: undefined } },
  );
  const healthUrl = `http://${healthAddr}`;
  const eso: EsoProcess = {
    proc,
    healthUrl,
    stop: (graceMs) => proc.stop(graceMs),
    kill: () => {
      try {
        process.kill(proc.pid, "SIGKILL");
      } catch {}
    },
  };
  if (opts.waitReady !== false) {
    await cluster.rc.waitFor(
      `eso ${command} (${name}) ready`,
      proc,
      async () => {
        const r = await cluster.rc.httpGet(`${healthUrl}/readyz`, { timeoutMs: 2_000 }).catch((e: Error) => ({
          status: 0,
          body: e.message,
        }));
        return r.status === 200 ? true : `readyz ${r.status}: ${r.body.slice(0, 200)}`;
      },
      90_000,
    );
  }
  return eso;
}

/** Starts the controller with a ServiceAccount kubeconfig; extra flags appended. */
export function startController(
  cluster: Cluster,
  name: string,
  kubeconfig: string,
  extra: string[] = [],
  opts: { waitReady?: boolean } = {},
): Promise<EsoProcess> {
  return startEso(cluster, name, "controller", ["--kubeconfig", kubeconfig, ...extra, "--loglevel", "debug"], opts);
}
