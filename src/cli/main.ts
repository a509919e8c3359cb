#!/usr/bin/env node
/**
 * The `eso` command. Each subcommand lives in its own module under src/cli/ and exports
 * `run(argv: string[]): Promise<number>` (the exit code) and `help: string`.
 */

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number>; help: string }>;
}

const commands: Record<string, Command> = {
  controller: { summary: "Run the operator's controllers against a cluster", load: () => import("./controller.js") },
  apiserver: { summary: "Run a local Kubernetes API server (tests, sandbox)", load: () => import("./apiserver.js") },
  webhook: { summary: "Serve the admission and conversion webhook (HTTPS)", load: () => import("./webhook.js") },
  certcontroller: {
    summary: "Issue and rotate the webhook certificate, inject its CA bundle",
    load: () => import("./certcontroller.js"),
  },
  validate: { summary: "Validate ESO manifests (files or directories)", load: () => import("./validate.js") },
  crds: { summary: "Print the CRD bundle as YAML", load: () => import("./crds.js") },
  template: { summary: "Render a Go template from JSON on stdin (ESO semantics)", load: () => import("./template.js") },
  dev: { summary: "Run a local sandbox: API server, controllers and demo secrets", load: () => import("./dev.js") },
  render: { summary: "Show the Secret an ExternalSecret would produce (dry run)", load: () => import("./render.js") },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length), 8);
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: eso <command> [flags]\n\nCommands:\n${lines.join("\n")}\n\nRun 'eso <command> --help' for a command's flags and examples.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`eso: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(mod.help.endsWith("\n") ? mod.help : `${mod.help}\n`);
    return 0;
  }
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`eso: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
