// scripts/real-components-smoke.mjs — proof that the real components run on this machine (issue 18).
//
//   node scripts/real-components-smoke.mjs
//
// Builds/installs what is missing (scripts/envtest-assets.sh, scripts/openbao.sh, scripts/moto.sh; all cached
// under .tools/), then with scripts/lib/real-components.mjs: starts etcd + kube-apiserver on 127.0.0.1, waits for
// /readyz, runs `kubectl version` and `kubectl get ns` (client-cert admin) plus an RBAC denial check (token of a
// ServiceAccount with no bindings, minted through the TokenRequest API), starts `bao server -dev` and checks
// `bao status` and a KV v2 write/read, starts moto_server and checks Secrets Manager CreateSecret/GetSecretValue
// over plain HTTP, then stops everything. Exits non-zero on the first failure. Loopback only.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { binaries, kubeconfigYaml, startControlPlane, startMoto, startOpenBao } from "./lib/real-components.mjs";

const run = promisify(execFile);
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1) + "s";
const say = (msg) => console.log(`[smoke ${secs()}] ${msg}`);

async function cmd(bin, args, env = {}, { quiet = false } = {}) {
  const shown = [bin.split("/").pop(), ...args].join(" ");
  try {
    const { stdout, stderr } = await run(bin, args, { env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
    say(`$ ${shown}\n${quiet ? `(${stdout.length} bytes of output not shown)` : (stdout + stderr).trimEnd()}`);
    return stdout;
  } catch (e) {
    throw new Error(`$ ${shown} failed (exit ${e.code}):\n${(e.stdout ?? "") + (e.stderr ?? "")}`);
  }
}

function post(url, headers, body) {
  return fetch(url, { method: "POST", headers, body }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

const stops = [];
let failed = false;
try {
  const bins = await binaries();
  say(`binaries: ${JSON.stringify(bins)}`);

  // ---- kube-apiserver + etcd
  const cp = await startControlPlane({ assets: bins.assets });
  stops.push(cp.stop);
  say(`kube-apiserver ready at ${cp.url} (etcd ${cp.etcd.url}; pids apiserver=${cp.apiserver.pid} etcd=${cp.etcd.proc.pid})`);
  const kc = ["--kubeconfig", cp.kubeconfig];
  await cmd(bins.kubectl, [...kc, "version"]);
  await cmd(bins.kubectl, [...kc, "get", "ns"]);
  // RBAC is in force: a ServiceAccount without bindings is denied.
  await cmd(bins.kubectl, [...kc, "create", "serviceaccount", "smoke", "-n", "default"]);
  const saToken = (
    await cmd(bins.kubectl, [...kc, "create", "token", "smoke", "-n", "default"], {}, { quiet: true })
  ).trim();
  const saKc = join(cp.dir, "smoke-sa.kubeconfig");
  writeFileSync(saKc, kubeconfigYaml({ server: cp.url, caFile: cp.caFile, token: saToken, user: "smoke" }));
  await cmd(bins.kubectl, ["--kubeconfig", saKc, "auth", "whoami"]);
  try {
    await run(bins.kubectl, ["--kubeconfig", saKc, "get", "secrets", "-n", "default"]);
    throw new Error("RBAC: ServiceAccount without bindings could list secrets");
  } catch (e) {
    if (!/forbidden/i.test(String(e.stderr))) throw e;
    say(`RBAC denial as expected: ${String(e.stderr).trim()}`);
  }

  // ---- OpenBao dev server
  const bao = await startOpenBao({ bao: bins.bao });
  stops.push(bao.stop);
  say(`openbao ready at ${bao.addr} (pid ${bao.proc.pid})`);
  await cmd(bins.bao, ["status"], bao.env);
  await cmd(bins.bao, ["kv", "put", "-mount=secret", "smoke", "password=hunter2"], bao.env);
  const got = (await cmd(bins.bao, ["kv", "get", "-mount=secret", "-field=password", "smoke"], bao.env)).trim();
  if (got !== "hunter2") throw new Error(`bao kv get returned ${JSON.stringify(got)}`);

  // ---- moto_server
  const moto = await startMoto({ motoServer: bins.motoServer });
  stops.push(moto.stop);
  say(`moto ready at ${moto.url} (pid ${moto.proc.pid})`);
  const sm = (target, body) =>
    post(
      moto.url,
      {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `secretsmanager.${target}`,
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDSMOKE/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0",
      },
      JSON.stringify(body),
    );
  const created = await sm("CreateSecret", { Name: "smoke", SecretString: "s3cr3t" });
  say(`moto CreateSecret -> ${created.status} ${created.body}`);
  const value = await sm("GetSecretValue", { SecretId: "smoke" });
  say(`moto GetSecretValue -> ${value.status} ${value.body}`);
  if (value.status !== 200 || JSON.parse(value.body).SecretString !== "s3cr3t") throw new Error("moto: wrong answer");
  // Every listening socket of the processes started here is on 127.0.0.1.
  const pids = [cp.etcd.proc.pid, cp.apiserver.pid, bao.proc.pid, moto.proc.pid];
  const { stdout: ss } = await run("ss", ["-Hltnp"]);
  const ours = ss.split("\n").filter((l) => pids.some((pid) => l.includes(`pid=${pid},`)));
  say(`listening sockets of pids ${pids.join(",")}:\n${ours.map((l) => l.replace(/\s+/g, " ")).join("\n")}`);
  const notLoopback = ours.filter((l) => !/\s127\.0\.0\.1:\d+\s/.test(l));
  if (ours.length === 0 || notLoopback.length > 0) throw new Error(`non-loopback listeners: ${notLoopback.join("\n")}`);
  say("all components answered");
} catch (e) {
  failed = true;
  console.error(`[smoke ${secs()}] FAILED: ${e.stack ?? e}`);
} finally {
  for (const stop of stops.reverse()) await stop();
  say(`stopped everything (${stops.length} component groups)`);
  const { stdout: ps } = await run("ps", ["-eo", "pid=,args="]);
  const left = ps.split("\n").filter((l) => /\/(etcd|kube-apiserver|bao|moto_server)\b/.test(l) && l.includes(".tools/"));
  if (left.length > 0) {
    failed = true;
    console.error(`[smoke ${secs()}] FAILED: still running after stop:\n${left.join("\n")}`);
  }
}
console.log(failed ? "0 passed, 1 failed" : "1 passed, 0 failed");
process.exit(failed ? 1 : 0);
