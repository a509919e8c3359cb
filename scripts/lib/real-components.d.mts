// Types for scripts/lib/real-components.mjs (see that file's header for what each function does).
//
// From TypeScript tests (compiled to dist/test/..., so a static relative import would point at the wrong
// folder), load it at run time from the repository root and type it with this file:
//   type RC = typeof import("../../scripts/lib/real-components.mjs"); // path relative to the .ts file
//   const rc: RC = await import(pathToFileURL(join(repoRoot(), "scripts/lib/real-components.mjs")).href);

export declare const repoRoot: string;

export interface Binaries {
  /** KUBEBUILDER_ASSETS folder holding kube-apiserver and etcd. */
  assets: string;
  bao: string;
  motoServer: string;
  kubectl: string;
}

export interface Proc {
  pid: number;
  name: string;
  /** <dir>/<name>.log: stdout and stderr of the process. */
  log: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after graceMs (default 10 s). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Certs {
  dir: string;
  caCrt: string;
  caKey: string;
  servingCrt: string;
  servingKey: string;
  adminCrt: string;
  adminKey: string;
  saKey: string;
  saPub: string;
  tokenFile: string;
  adminToken: string;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  url: string;
  /** admin kubeconfig (client certificate in system:masters) */
  kubeconfig: string;
  /** admin kubeconfig (static bearer token in system:masters) */
  tokenKubeconfig: string;
  caFile: string;
  adminToken: string;
  certs: Certs;
  dir: string;
  etcd: { url: string; proc: Proc; stop(): Promise<unknown> };
  apiserver: Proc;
  stop(): Promise<void>;
}

export interface OpenBao {
  /** http://127.0.0.1:<port> (the dev server also listens on <port>+1 for its cluster port) */
  addr: string;
  token: string;
  proc: Proc;
  dir: string;
  /** BAO_ADDR, BAO_TOKEN and a private HOME for running the bao CLI against this server */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface Moto {
  /** http://127.0.0.1:<port>: the endpoint for every AWS service; any credentials are accepted */
  url: string;
  proc: Proc;
  dir: string;
  stop(): Promise<void>;
}

export declare function ensureKubectl(): Promise<string>;
export declare function binaries(): Promise<Binaries>;
export declare function freePort(): Promise<number>;
export declare function portFree(port: number): Promise<boolean>;
export declare function startProcess(
  name: string,
  cmd: string,
  args: string[],
  opts: { dir: string; env?: Record<string, string | undefined> },
): Proc;
export declare function httpGet(
  url: string,
  opts?: { ca?: string | Buffer; headers?: Record<string, string>; timeoutMs?: number },
): Promise<{ status: number | undefined; body: string }>;
export declare function waitFor(
  what: string,
  proc: Proc | undefined,
  check: () => Promise<true | string>,
  timeoutMs: number,
): Promise<void>;
export declare function makeCerts(dir: string): Promise<Certs>;
export declare function kubeconfigYaml(opts: {
  server: string;
  caFile: string;
  token?: string;
  certFile?: string;
  keyFile?: string;
  user?: string;
  namespace?: string;
}): string;
export declare function startEtcd(opts: {
  etcd: string;
  dir: string;
  timeoutMs?: number;
}): Promise<{ url: string; proc: Proc; stop(): Promise<unknown> }>;
export declare function startControlPlane(opts?: {
  assets?: string;
  dir?: string;
  keepDir?: boolean;
  extraArgs?: string[];
  timeoutMs?: number;
}): Promise<ControlPlane>;
export declare function startOpenBao(opts: {
  bao: string;
  dir?: string;
  keepDir?: boolean;
  token?: string;
  timeoutMs?: number;
}): Promise<OpenBao>;
export declare function startMoto(opts: {
  motoServer: string;
  dir?: string;
  keepDir?: boolean;
  timeoutMs?: number;
}): Promise<Moto>;
