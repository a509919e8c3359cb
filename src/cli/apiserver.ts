/** `eso apiserver`: runs the in-process Kubernetes API server on loopback until interrupted. */
import { resolve } from "node:path";
import { startApiServer } from "../apiserver/index.js";

export const help = `Usage: eso apiserver [--port N] [--kubeconfig FILE] [--data-dir DIR]

Serves a Kubernetes API (core Secrets, ConfigMaps, Namespaces, ServiceAccounts, Events, Leases and
CustomResourceDefinitions with their custom resources) over plain HTTP on 127.0.0.1, for tests and
for running the operator without a cluster. Runs until SIGINT or SIGTERM.

Flags:
  --port N           port to listen on (default: a free port)
  --kubeconfig FILE  write a kubeconfig for kubectl and client libraries to FILE
  --data-dir DIR     keep state in DIR (loaded on start, saved after changes)

Example:
  eso apiserver --port 6443 --kubeconfig /tmp/eso.kubeconfig --data-dir ./.sandbox
  kubectl --kubeconfig /tmp/eso.kubeconfig get namespaces
`;

function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

const known = new Set(["--port", "--kubeconfig", "--data-dir"]);

export async function run(argv: string[]): Promise<number> {
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].split("=")[0];
    if (!known.has(name)) {
      process.stderr.write(`eso apiserver: unknown argument "${argv[i]}"\n\n${help}`);
      return 2;
    }
    if (!argv[i].includes("=")) i++;
  }
  const portText = flag(argv, "--port");
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`eso apiserver: invalid --port "${portText}"\n`);
    return 2;
  }
  const kubeconfig = flag(argv, "--kubeconfig");
  const dataDir = flag(argv, "--data-dir");
  const server = await startApiServer({ port, dataDir: dataDir ? resolve(dataDir) : undefined });
  process.stdout.write(`eso apiserver listening on ${server.url}\n`);
  if (kubeconfig) {
    await server.writeKubeconfig(resolve(kubeconfig));
    process.stdout.write(`kubeconfig written to ${resolve(kubeconfig)}\n`);
  }
  if (dataDir) process.stdout.write(`state kept in ${resolve(dataDir)}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.stop();
  process.stdout.write("eso apiserver stopped\n");
  return 0;
}
