/** Creates an ExternalSecret on the in-process harness and returns its Secret's data once its first sync succeeds. */
import assert from "node:assert/strict";
import { eventually } from "../../support/poll.js";
import { EXTERNAL_SECRETS, externalSecret, type Harness, readyCondition, secretData } from "../../support/world.js";

/** The remote data exists before the ExternalSecret does, so any Ready=False on the way fails the caller. */
export async function syncedData(
  h: Harness,
  ns: string,
  name: string,
  spec: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<Record<string, string>> {
  await h.client.create(EXTERNAL_SECRETS, externalSecret(name, ns, { refreshInterval: "1h", ...spec }));
  const failed = new Set<string>();
  const data = await eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, ns, name);
      if (c?.status === "False") failed.add(`${c.reason}: ${c.message}`);
      return c?.status === "True" ? secretData(h, ns, name) : undefined;
    },
    { timeoutMs: timeoutMs, what: `ExternalSecret ${ns}/${name} synced` },
  );
  assert.deepEqual([...failed], [], `${name} failed before it synced`);
  return data;
}
