/** Latency from a change notification (HTTP endpoint) to the updated Secret in the API server. */

import { SECRETS } from "../../src/kube/index.js";
import { nsName, ownKey, percentile, runSetup, type ScenarioResult, type Setup } from "./common.js";

export async function notifyScenario(count: number, log: (m: string) => void): Promise<ScenarioResult> {
  const token = "bench-notify-token";
  const namespaces = Math.max(1, Math.round(count / 1000));
  const setup: Setup = {
    name: `notify-aws-${count}`,
    provider: "aws",
    count,
    namespaces,
    keys: { kind: "own" },
    refreshSeconds: 3600,
    concurrency: 16,
    cycle: false,
    notifyToken: token,
  };
  const run = await runSetup(setup, log);
  const { notifyUrl } = await run.child.stats();
  // Let the reconciles that follow all-Ready (status-update echoes) drain: measure an idle controller.
  await new Promise((r) => setTimeout(r, 3000));
  const samples: number[] = [];
  const rounds = 20;
  for (let r = 0; r < rounds; r++) {
    const i = (r * 37) % count;
    const ns = nsName(i % namespaces);
    const key = `${ownKey(i, namespaces)}/password`;
    const password = `rotated-${r}`;
    run.aws!.putSecretString(key, password);
    const t0 = performance.now();
    const res = await fetch(`${notifyUrl}/notify`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ store: { kind: "SecretStore", namespace: ns, name: "store" }, key }),
    });
    if (res.status !== 202) throw new Error(`notify answered ${res.status}`);
    const want = Buffer.from(password).toString("base64");
    for (;;) {
      const s = await run.cluster.client.get(SECRETS, ns, `es-${i}`);
      if (s?.data?.password === want) break;
      if (performance.now() - t0 > 30_000) throw new Error("bench: notification did not update the Secret in 30 s");
      await new Promise((r) => setTimeout(r, 5));
    }
    samples.push(performance.now() - t0);
  }
  const result = await run.finish();
  const rounded = samples.map((s) => Math.round(s * 10) / 10);
  result.notifyLatencyMs = {
    samples: rounded,
    p50: percentile(rounded, 50),
    p95: percentile(rounded, 95),
    max: Math.max(...rounded),
  };
  log(`  notification -> updated Secret: p50 ${result.notifyLatencyMs.p50} ms, max ${result.notifyLatencyMs.max} ms`);
  return result;
}
