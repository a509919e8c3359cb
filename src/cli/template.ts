/**
 * `eso template`: render one Go template the way ESO does (Sprig + ESO functions,
 * missingkey=error) from {"template": string, "data": object} on stdin.
 */
import { renderESO, TemplateError } from "../template/index.js";
import { jsonErrorPosition } from "../util/json-error.js";
import { FlagError, type FlagSpec, parseFlags, usageError } from "./flags.js";

export const help = `Usage: eso template [--left-delimiter STR] [--right-delimiter STR] [--name NAME] < input.json

Reads one JSON object {"template": string, "data": object} on stdin and writes the rendered
text to stdout, using ESO's template engine v2 semantics (Sprig and ESO functions,
missingkey=error). On error, prints the message to stderr and exits 1.

Flags:
  --left-delimiter STR   left action delimiter (default "{{"); also --template-left-delimiter, as ESO
  --right-delimiter STR  right action delimiter (default "}}"); also --template-right-delimiter
  --name NAME            template name used in error messages (default "template")

Example:
  echo '{"template":"postgres://{{ .user }}:{{ .password | urlquery }}@db","data":{"user":"u","password":"p@ss"}}' | eso template
`;

export interface TemplateIO {
  stdin: AsyncIterable<Buffer | string>;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const flags: Record<string, FlagSpec> = {
  "left-delimiter": { type: "string", default: "", help: "left action delimiter", alias: "template-left-delimiter" },
  "right-delimiter": {
    type: "string",
    default: "",
    help: "right action delimiter",
    alias: "template-right-delimiter",
  },
  name: { type: "string", default: "template", help: "template name used in error messages" },
};

export async function run(argv: string[], io: TemplateIO = process): Promise<number> {
  let values: Map<string, string>;
  try {
    values = parseFlags(argv, flags);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("template", err.message, io.stderr);
  }
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  let input: unknown;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    io.stderr.write(`eso template: invalid JSON on stdin${jsonErrorPosition(e)}\n`);
    return 1;
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    io.stderr.write('eso template: stdin must be a JSON object {"template": string, "data": object}\n');
    return 1;
  }
  const { template, data } = input as { template?: unknown; data?: unknown };
  if (typeof template !== "string") {
    io.stderr.write('eso template: "template" must be a string\n');
    return 1;
  }
  try {
    const out = renderESO(values.get("name")!, template, data ?? {}, {
      leftDelim: values.get("left-delimiter") || undefined,
      rightDelim: values.get("right-delimiter") || undefined,
    });
    io.stdout.write(out);
    return 0;
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    io.stderr.write(`${e.message}\n`);
    return 1;
  }
}
