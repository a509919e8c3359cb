/** `eso apiserver`: runs the in-process Kubernetes API server on loopback until interrupted. */
import { resolve } from "node:path";
import { startApiServer } from "../apiserver/index.js";
import { FlagError, type FlagSpec, parseFlags, usageError } from "./flags.js";
import { untilSignal } from "./stop.js";

export const help = `Usage: eso apiserver [--port N] [--kubeconfig FILE] [--data-dir DIR]

Serves a Kubernetes API (core Secrets, ConfigMaps, Namespaces, ServiceAccounts, Events, Leases and
CustomResourceDefinitions with their custom resources) over plain HTTP on 127.0.0.1, for tests and
for running the operator without a cluster. Runs until SIGINT or SIGTERM. Requests whose Host header is
not localhost, 127.0.0.1 or [::1] are refused (a web page cannot reach it through DNS rebinding), and
the --data-dir files, which hold Secrets, are readable by their owner only.

Flags:
  --port N           port to listen on (default: a free port)
  --kubeconfig FILE  write a kubeconfig for kubectl and client libraries to FILE
  --data-dir DIR     keep state in DIR (loaded on start, saved after changes)

Example:
  eso apiserver --port 6443 --kubeconfig /tmp/eso.kubeconfig --data-dir ./.sandbox
  kubectl --kubeconfig /tmp/eso.kubeconfig get namespaces
`;

const flags: Record<string, FlagSpec> = {
  port: { type: "int", default: "0", help: "port to listen on", max: 65535 },
  kubeconfig: { type: "string", default: "", help: "write a kubeconfig to this file" },
  "data-dir": { type: "string", default: "", help: "keep state in this directory" },
};

export async function run(argv: string[]): Promise<number> {
  let values: Map<string, string>;
  try {
    values = parseFlags(argv, flags);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("apiserver", err.message);
  }
  const port = Number(values.get("port"));
  const kubeconfig = values.get("kubeconfig");
  const dataDir = values.get("data-dir");
  const server = await startApiServer({ port, dataDir: dataDir ? resolve(dataDir) : undefined });
  process.stdout.write(`eso apiserver listening on ${server.url}\n`);
  if (kubeconfig) {
    await server.writeKubeconfig(resolve(kubeconfig));
    process.stdout.write(`kubeconfig written to ${resolve(kubeconfig)}\n`);
  }
  if (dataDir) process.stdout.write(`state kept in ${resolve(dataDir)}\n`);
  await untilSignal();
  await server.stop();
  process.stdout.write("eso apiserver stopped\n");
  return 0;
}
