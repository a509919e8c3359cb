/**
 * Attack: a namespace admin points a SecretStore's kubernetes authRef at a kubeconfig in their own Secret whose
 * user runs a command (`exec` plugin, or an `auth-provider` with `cmd-path`), hoping the operator runs it on
 * every validation. The command would create a canary file: it must never appear, and the store must say which
 * kubeconfig field was refused. `eso render` gets the same kubeconfig and must not run it either.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { stringify as toYaml } from "yaml";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "tenant-exec";
const dir = mkdtempSync(join(tmpdir(), "eso-kubeconfig-exec-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Fast re-validation, and ExternalSecrets build their own client even while the store is not Ready.
const h = useHarness({ storeRequeueMs: 200, floodGate: false }, async (h) => createNamespace(h, NS));

function kubeconfig(server: string, user: Record<string, unknown>): string {
  return toYaml({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "u", user }],
    contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
    "current-context": "x",
  });
}

const execUser = (canary: string) => ({
  exec: {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "/bin/sh",
    args: ["-c", `touch ${canary}; echo '{"kind":"ExecCredential","status":{"token":"x"}}'`],
    interactiveMode: "Never",
  },
});

const authProviderUser = (canary: string) => ({
  "auth-provider": {
    name: "gcp",
    config: {
      "cmd-path": "/bin/sh",
      "cmd-args": `-c 'touch ${canary}; echo {}'`,
      "token-key": "{.token}",
      "expiry-key": "{.expiry}",
    },
  },
});

const store = (name: string) => ({
  apiVersion: "external-secrets.io/v1",
  kind: "SecretStore",
  metadata: { name, namespace: NS },
  spec: { provider: { kubernetes: { remoteNamespace: NS, authRef: { name, key: "config" } } } },
});

/** Sets up the hostile store plus an ExternalSecret using it, then lets several validations and syncs run. */
async function attack(name: string, user: Record<string, unknown>, canary: string) {
  await h.client.create(SECRETS, secretManifest(NS, name, { config: kubeconfig(h.api.url, user) }));
  await h.client.create(SECRET_STORES, store(name));
  await h.client.create(
    EXTERNAL_SECRETS,
    externalSecret(name, NS, {
      refreshInterval: "1s",
      secretStoreRef: { name, kind: "SecretStore" },
      target: { name: `${name}-out` },
      data: [{ secretKey: "k", remoteRef: { key: "anything", property: "k" } }],
    }),
  );
  await eventually(() => readyCondition(h, SECRET_STORES, NS, name), {
    timeoutMs: 20_000,
    what: `SecretStore ${name} validated`,
  });
  await eventually(() => readyCondition(h, EXTERNAL_SECRETS, NS, name), {
    timeoutMs: 20_000,
    what: `ExternalSecret ${name} synced`,
  });
  // Several more validation cycles (re-validation every 200 ms, ExternalSecret refresh every second).
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(existsSync(canary), false, `the ${name} command ran inside the operator`);
  const cond = (await readyCondition(h, SECRET_STORES, NS, name))!;
  const esCond = (await readyCondition(h, EXTERNAL_SECRETS, NS, name))!;
  assert.equal(cond.status, "False", cond.message);
  assert.equal(esCond.status, "False", esCond.message);
  return { cond, esCond };
}

/** Runs `eso render` in a child process (the compiled CLI in the suite, the TypeScript source under tsx). */
function esoRender(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const ts = fileURLToPath(import.meta.url).endsWith(".ts");
  const main = fileURLToPath(new URL(`../../src/cli/main.${ts ? "ts" : "js"}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, main, "render", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("a tenant kubeconfig that runs a command", () => {
  it("users[].user.exec never runs; the store names the exec field", async () => {
    const canary = join(dir, "exec-canary");
    const { cond, esCond } = await attack("exec", execUser(canary), canary);
    assert.match(
      cond.message ?? "",
      /spec\.provider\.kubernetes\.authRef: kubeconfig users\[0\]\.user\.exec is not allowed: only inline credentials are accepted/,
    );
    assert.match(esCond.message ?? "", /users\[0\]\.user\.exec is not allowed/);
    assert.equal(existsSync(canary), false);
  });

  it("users[].user.auth-provider (cmd-path) never runs; the store names the auth-provider field", async () => {
    const canary = join(dir, "auth-provider-canary");
    const { cond } = await attack("authprovider", authProviderUser(canary), canary);
    assert.match(cond.message ?? "", /kubeconfig users\[0\]\.user\.auth-provider is not allowed/);
  });

  it("eso render refuses both kubeconfigs without running them", async () => {
    for (const [name, userOf] of [
      ["exec", execUser],
      ["auth-provider", authProviderUser],
    ] as const) {
      const canary = join(dir, `render-${name}-canary`);
      const files = join(dir, `render-${name}.yaml`);
      const secretFile = join(dir, `render-${name}-secret.yaml`);
      writeFileSync(
        files,
        [
          toYaml(store("hostile")),
          toYaml(
            externalSecret("app", NS, {
              secretStoreRef: { name: "hostile", kind: "SecretStore" },
              target: { name: "app" },
              data: [{ secretKey: "k", remoteRef: { key: "anything", property: "k" } }],
            }),
          ),
        ].join("---\n"),
      );
      // The render's "server" is a closed loopback port: nothing answers, and nothing must be run to reach it.
      writeFileSync(
        secretFile,
        toYaml(secretManifest(NS, "hostile", { config: kubeconfig("http://127.0.0.1:9", userOf(canary)) })),
      );
      const r = await esoRender(["-f", files, "--secret-file", secretFile]);
      assert.equal(existsSync(canary), false, `eso render ran the ${name} command`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`kubeconfig users\\[0\\]\\.user\\.${name} is not allowed`));
    }
  });
});
