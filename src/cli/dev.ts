/** `eso dev` (what `npm start` runs): the local sandbox, with a live view and rotation/drift demonstrations. */
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import pino from "pino";
import { stringify as toYaml } from "yaml";
import { createLogger, type Logger } from "../runtime/logger.js";
import { DEMO } from "../sandbox/demo.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { ExternalSecretState } from "../sandbox/view.js";
import { FlagError, type FlagSpec, parseFlags, usageError } from "./flags.js";
import { Interrupted, StopRequest } from "./stop.js";

export const help = `Usage: eso dev [--port N] [--data-dir DIR] [--kubeconfig FILE] [--once] [--demo-rotate]
               [--demo-drift] [--timeout SECONDS] [--log-level LEVEL] [-o yaml|json] [--manifests DIR]

Runs the whole product on this machine, no cluster or cloud account needed: an in-process Kubernetes
API server on 127.0.0.1, the external-secrets.io CRDs, the controllers, and a demo set from
examples/sandbox/ (a fake-provider SecretStore and ClusterSecretStore, a Password generator, and
ExternalSecrets using data, dataFrom with rewrite, a template, and the generator). It writes a
kubeconfig for kubectl, waits until every demo ExternalSecret is Ready, then prints a line for each
sync, refresh, update, drift restore and error as it happens.

Keys (when stdin is a terminal; otherwise type the letter and Enter):
  r   rotate: change ${DEMO.rotatedKey} in SecretStore ${DEMO.namespace}/${DEMO.store} and force a refresh; the
      Deployment ${DEMO.namespace}/${DEMO.deployment} (Reloader's auto annotation, reads the Secret) is rolled
  d   drift: overwrite key ${DEMO.tamperedSecretKey} of Secret ${DEMO.namespace}/${DEMO.secret} by hand; the controller restores it
  q   stop (as do Ctrl-C and SIGTERM)

Flags:
  --port N            API server port (default: a free port)
  --data-dir DIR      keep the sandbox's objects in DIR across restarts (objects there are not re-applied);
                      created 0700, its files 0600: they hold the sandbox's Secrets
  --kubeconfig FILE   where to write the kubeconfig (default: DIR/kubeconfig with --data-dir,
                      else ${join(tmpdir(), "eso-sandbox", "kubeconfig")})
  --once              set up, wait until every demo ExternalSecret is Ready, print a summary, exit
  --demo-rotate       rotate once everything is Ready, and wait until the Secret has the new value and
                      Deployment ${DEMO.deployment} has rolled
  --demo-drift        tamper with the Secret once everything is Ready, and wait until it is restored
  --timeout SECONDS   how long to wait for Ready, rotation and restore (default 60)
  --log-level LEVEL   controller logs (JSON) to stderr: debug, info, warn, error (default: none)
  -o, --output F      with --once: print the summary as yaml or json on stdout (progress goes to stderr)
  --manifests DIR     apply these manifests instead of examples/sandbox/

Exit codes: 0 stopped cleanly (or --once succeeded), 1 the sandbox failed or did not become Ready in
time, 2 usage error.

Examples:
  npm start                                   # the same as: eso dev
  eso dev --data-dir .sandbox --port 6443
  eso dev --once --demo-rotate --demo-drift   # scripted check, exits 0 when all worked
  eso dev --once -o json | jq '.[].ready'
`;

const flags: Record<string, FlagSpec> = {
  port: { type: "int", default: "0", help: "API server port", max: 65535 },
  "data-dir": { type: "string", default: "", help: "keep the sandbox's objects here" },
  kubeconfig: { type: "string", default: "", help: "where to write the kubeconfig" },
  once: { type: "bool", default: "false", help: "exit once everything is Ready" },
  "demo-rotate": { type: "bool", default: "false", help: "rotate once everything is Ready" },
  "demo-drift": { type: "bool", default: "false", help: "tamper with the Secret once everything is Ready" },
  timeout: { type: "int", default: "60", help: "seconds to wait", min: 1 },
  "log-level": { type: "string", default: "", help: "controller logs", choices: ["debug", "info", "warn", "error"] },
  output: { type: "string", default: "", help: "summary format", alias: "o", choices: ["yaml", "json"] },
  manifests: { type: "string", default: "", help: "manifests to apply" },
};

interface Args {
  port: number;
  dataDir?: string;
  kubeconfig?: string;
  once: boolean;
  rotate: boolean;
  drift: boolean;
  timeoutMs: number;
  logLevel?: string;
  output?: "yaml" | "json";
  manifests?: string;
}

/** Throws FlagError. */
function parseArgs(argv: string[]): Args {
  const values = parseFlags(argv, flags);
  const path = (name: string) => (values.get(name) ? resolve(values.get(name)!) : undefined);
  const args: Args = {
    port: Number(values.get("port")),
    dataDir: path("data-dir"),
    kubeconfig: path("kubeconfig"),
    once: values.get("once") === "true",
    rotate: values.get("demo-rotate") === "true",
    drift: values.get("demo-drift") === "true",
    timeoutMs: Number(values.get("timeout")) * 1000,
    logLevel: values.get("log-level") || undefined,
    output: (values.get("output") || undefined) as Args["output"],
    manifests: path("manifests"),
  };
  if (args.output && !args.once) throw new FlagError("--output needs --once (the live view is plain text)");
  return args;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

interface SummaryRow extends ExternalSecretState {
  keys: string[];
}

async function summary(sandbox: Sandbox, states: ExternalSecretState[]): Promise<SummaryRow[]> {
  return Promise.all(states.map(async (s) => ({ ...s, keys: await sandbox.keysOf(s.namespace, s.secret) })));
}

function summaryTable(rows: SummaryRow[]): string {
  return table([
    ["NAMESPACE", "EXTERNALSECRET", "STORE", "STATUS", "SECRET", "KEYS"],
    ...rows.map((r) => [
      r.namespace,
      r.name,
      r.store,
      r.ready ? r.reason : `NotReady (${r.reason})`,
      r.secret,
      r.keys.join(","),
    ]),
  ]);
}

/** Reads r/d/q from stdin: single keys on a terminal, lines otherwise. */
function listen(stop: StopRequest, onKey: (key: "r" | "d") => void): { close(): void } {
  const finish = (why: string) => stop.request(why);
  const stdin = process.stdin;
  const handle = (text: string) => {
    for (const ch of text.trim().toLowerCase()) {
      if (ch === "\u0003") finish("Ctrl-C");
      else if (ch === "q" || ch === "\u0004") finish("q");
      else if (ch === "r" || ch === "d") onKey(ch);
    }
  };
  let rl: ReturnType<typeof createInterface> | undefined;
  const raw = stdin.isTTY === true;
  if (raw) {
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", handle);
    stdin.resume();
  } else {
    rl = createInterface({ input: stdin, terminal: false });
    rl.on("line", handle);
  }
  return {
    close() {
      if (raw) {
        stdin.off("data", handle);
        stdin.setRawMode(false);
      }
      rl?.close();
      stdin.pause();
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("dev", err.message);
  }
  const progress = args.output ? process.stderr : process.stdout;
  const write = (line: string) => progress.write(`${line}\n`);
  const kubeconfigPath =
    args.kubeconfig ?? (args.dataDir ? join(args.dataDir, "kubeconfig") : join(tmpdir(), "eso-sandbox", "kubeconfig"));
  const logger: Logger | undefined = args.logLevel
    ? createLogger({ level: args.logLevel, destination: pino.destination({ fd: 2, sync: true }) })
    : undefined;

  // Loaded only now: it pulls in every provider, which a usage error or --help should not wait for.
  const { startSandbox } = await import("../sandbox/sandbox.js");
  const stop = new StopRequest();
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      port: args.port,
      dataDir: args.dataDir,
      kubeconfigPath,
      manifestDir: args.manifests,
      logger,
      write,
    });
  } catch (err) {
    stop.close();
    process.stderr.write(`eso dev: could not start the sandbox: ${(err as Error).message}\n`);
    return 1;
  }
  const kc = `kubectl --kubeconfig ${kubeconfigPath}`;
  write(`kubeconfig written to ${kubeconfigPath}`);
  write("");
  write("Look around with kubectl:");
  write(`  ${kc} get es,secrets -A`);
  write(`  ${kc} get secretstores,clustersecretstores -A`);
  write(`  ${kc} describe externalsecret ${DEMO.externalSecret} -n ${DEMO.namespace}`);
  write(`  ${kc} get secret ${DEMO.secret} -n ${DEMO.namespace} -o jsonpath='{.data.username}' | base64 -d`);
  write("");

  let code = 0;
  let listener: ReturnType<typeof listen> | undefined;
  try {
    await stop.race(sandbox.apply());
    const states = await stop.race(sandbox.waitUntilReady(args.timeoutMs));
    write("");
    write(`all ${states.length} demo ExternalSecrets are Ready:`);
    write(summaryTable(await summary(sandbox, states)));
    write("");
    if (args.rotate) {
      const r = await stop.race(sandbox.rotate());
      await stop.race(r.waitApplied(args.timeoutMs));
      write(
        `rotation applied: Secret ${DEMO.namespace}/${DEMO.secret} key ${DEMO.rotatedSecretKey} has the new value; Deployment ${DEMO.namespace}/${DEMO.deployment} rolled`,
      );
    }
    if (args.drift) {
      const t = await stop.race(sandbox.tamper());
      await stop.race(t.waitRestored(args.timeoutMs));
      write(
        `drift restored: Secret ${DEMO.namespace}/${DEMO.secret} key ${DEMO.tamperedSecretKey} is back to the provider's value`,
      );
    }
    if (args.once) {
      const rows = await summary(sandbox, await stop.race(sandbox.waitUntilReady(args.timeoutMs)));
      if (args.output === "json") process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (args.output === "yaml") process.stdout.write(toYaml(rows));
    } else {
      write("Watching for changes. Press r to rotate a value, d to tamper with a Secret, q or Ctrl-C to stop.");
      const demo = (key: "r" | "d") => {
        const action = key === "r" ? sandbox.rotate() : sandbox.tamper();
        action.catch((err: Error) => write(`could not ${key === "r" ? "rotate" : "tamper"}: ${err.message}`));
      };
      listener = listen(stop, demo);
      const why = await stop.reason;
      write(`stopping (${why === "q" ? "requested" : why})...`);
    }
  } catch (err) {
    if (err instanceof Interrupted) write(`stopping (${err.message})...`);
    else {
      process.stderr.write(`eso dev: ${(err as Error).message}\n`);
      code = 1;
    }
  } finally {
    listener?.close();
    stop.close();
    await sandbox.stop();
    write(code === 0 ? "sandbox stopped" : "sandbox stopped after an error");
  }
  return code;
}
