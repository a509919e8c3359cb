/**
 * Provider call metrics around a client: every call counted by outcome (client construction as "NewClient"),
 * and the remote secrets successful reads returned. What is counted where is the metrics' business
 * (controllers/common/metrics.ts implements ProviderCallMetrics); labels are names only, never values.
 */
import type { BatchReads, RemoteRef, SecretsClient } from "./provider.js";

export interface ProviderCallMetrics {
  /** One call on a provider client (or its construction, "NewClient"); `err` is set when it failed. */
  countProviderCall(provider: string, store: string, call: string, err?: unknown): void;
  /** Remote secrets one successful read returned. */
  countSecretsRead(provider: string, count: number): void;
}

export interface InstrumentTarget {
  provider: string;
  store: string;
}

/** Upstream's call names (externalsecret_provider_api_calls_count{call}). */
const CALLS = {
  newClient: "NewClient",
  getSecret: "GetSecret",
  getSecretMap: "GetSecretMap",
  getAllSecrets: "GetAllSecrets",
  pushSecret: "PushSecret",
  deleteSecret: "DeleteSecret",
  secretExists: "SecretExists",
  validate: "Validate",
  getSecretBatch: "GetSecretBatch",
} as const;

/** Builds a client through `create` and counts every call made on it (none without `metrics`). */
export async function instrumentClient(
  metrics: ProviderCallMetrics | undefined,
  target: InstrumentTarget,
  create: () => Promise<SecretsClient>,
): Promise<SecretsClient> {
  if (!metrics) return create();
  const { provider, store } = target;
  let inner: SecretsClient;
  try {
    inner = await create();
  } catch (err) {
    metrics.countProviderCall(provider, store, CALLS.newClient, err);
    throw err;
  }
  const counted =
    <A extends unknown[], R>(call: string, fn: (...args: A) => Promise<R>, read?: (r: R) => number) =>
    async (...args: A): Promise<R> => {
      let result: R;
      try {
        result = await fn(...args);
      } catch (err) {
        metrics.countProviderCall(provider, store, call, err);
        throw err;
      }
      metrics.countProviderCall(provider, store, call);
      const n = read?.(result) ?? 0;
      if (n > 0) metrics.countSecretsRead(provider, n);
      return result;
    };
  const one = () => 1;
  const batch = inner.batchReads;
  const batchReads: BatchReads | undefined = batch && {
    batchable: (ref) => batch.batchable(ref),
    getSecretBatch: counted(
      CALLS.getSecretBatch,
      (refs: RemoteRef[]) => batch.getSecretBatch(refs),
      (answers) => answers.filter((a) => !(a instanceof Error)).length,
    ),
  };
  return {
    getSecret: counted(CALLS.getSecret, (ref) => inner.getSecret(ref), one),
    getSecretMap: counted(CALLS.getSecretMap, (ref) => inner.getSecretMap(ref), one),
    getAllSecrets: counted(
      CALLS.getAllSecrets,
      (find) => inner.getAllSecrets(find),
      (r) => Object.keys(r).length,
    ),
    pushSecret: counted(CALLS.pushSecret, (source, data) => inner.pushSecret(source, data)),
    deleteSecret: counted(CALLS.deleteSecret, (ref) => inner.deleteSecret(ref)),
    secretExists: counted(CALLS.secretExists, (ref) => inner.secretExists(ref)),
    validate: counted(CALLS.validate, () => inner.validate()),
    close: () => inner.close(),
    ...(batchReads ? { batchReads } : {}),
  };
}
