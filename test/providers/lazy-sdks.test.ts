/**
 * Cloud SDKs cost tens of MiB each once loaded; the controller loads a provider's SDK only when a store of that
 * provider is first used. A child process starts what `eso controller` starts (every provider, every generator,
 * the controllers) and reports which SDK packages were imported: none. Then one AWS store client is opened.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";

const SDKS = /\/node_modules\/(@aws-sdk|@azure|@google-cloud|@1password|openpgp)\/[^/]+/;
const src = new URL("../../src/", import.meta.url).href;
let dir = "";
after(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

/** ES modules the child imports (seen by a resolve hook), narrowed to SDK packages. */
const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  port.postMessage(r.url);
  return r;
}`;

const child = (after: string) => `
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on("message", (url) => { const m = ${SDKS}.exec(url); if (m) seen.add(m[0].split("/node_modules/")[1]); });
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, import.meta.url, { data: { port: port2 }, transferList: [port2] });
const { registerBuiltinProviders } = await import(${JSON.stringify(`${src}providers/builtin.js`)});
const { registerBuiltinGenerators } = await import(${JSON.stringify(`${src}generators/builtin.js`)});
await import(${JSON.stringify(`${src}controllers/index.js`)});
const registry = registerBuiltinProviders();
registerBuiltinGenerators();
await new Promise((r) => setTimeout(r, 100));
const atStart = [...seen];
${after}
await new Promise((r) => setTimeout(r, 100));
console.log(JSON.stringify({ atStart, afterUse: [...seen].filter((s) => !atStart.includes(s)) }));
port1.close();
`;

test("no provider SDK is loaded at start; a store's first client loads its own", async () => {
  dir = await mkdtemp(join(tmpdir(), "eso-lazy-sdks-"));
  const script = join(dir, "child.mjs");
  await writeFile(
    script,
    child(`
const { ClientCaches } = await import(${JSON.stringify(`${src}providers/caches.js`)});
const r = registry.resolve({ aws: { service: "SecretsManager", region: "us-east-1",
  auth: { secretRef: { accessKeyIDSecretRef: { name: "c", key: "id" }, secretAccessKeySecretRef: { name: "c", key: "k" } } } } });
const kube = { getSecret: async () => ({ id: Buffer.from("AKIAEXAMPLEEXAMPLE01"), k: Buffer.from("secret") }),
  getConfigMap: async () => undefined, createServiceAccountToken: async () => "" };
const client = await r.provider.newClient(r.spec, { kube, caches: new ClientCaches(), storeKind: "SecretStore",
  storeName: "s", namespace: "ns" });
await client.close();`),
  );
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 60_000 });
  const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as { atStart: string[]; afterUse: string[] };
  assert.deepEqual(out.atStart, [], "SDKs imported at start");
  assert.ok(out.afterUse.includes("@aws-sdk/client-secrets-manager"), JSON.stringify(out.afterUse));
  assert.ok(!out.afterUse.some((p) => /@azure|@google-cloud|@1password/.test(p)), JSON.stringify(out.afterUse));
});
