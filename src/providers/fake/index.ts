/** The fake provider: static values from spec.provider.fake.data, for tests and demos. ReadWrite. */
import type { Provider } from "../provider.js";
import { registerProvider } from "../registry.js";
import { FakeClient } from "./client.js";
import { entryKey, storeTable } from "./state.js";

/** spec.provider.fake in either version: v1 has value and validationResult, v1beta1 also valueMap. */
export interface FakeProviderSpec {
  data?: { key: string; value?: string; valueMap?: Record<string, string>; version?: string }[];
  validationResult?: number;
}

export const fakeProvider: Provider<FakeProviderSpec> = {
  name: "fake",
  capabilities: () => "ReadWrite",
  validateSpec(spec) {
    const errors: string[] = [];
    (spec?.data ?? []).forEach((d, i) => {
      if (!d.key) errors.push(`spec.provider.fake.data[${i}].key: must be set`);
      if (!d.value && !d.valueMap)
        errors.push(`spec.provider.fake.data[${i}]: at least one of value or valueMap must be set`);
    });
    return errors;
  },
  async newClient(spec, ctx) {
    const storeId =
      ctx.storeKind === "ClusterSecretStore" ? `cluster/${ctx.storeName}` : `${ctx.namespace}/${ctx.storeName}`;
    const table = storeTable(storeId);
    for (const [k, entry] of table) if (entry.origin === "SecretStore") table.delete(k);
    for (const d of spec?.data ?? []) {
      table.set(entryKey(d.key, d.version), {
        key: d.key,
        version: d.version ?? "",
        value: d.value ?? "",
        valueMap: d.valueMap,
        origin: "SecretStore",
      });
    }
    return new FakeClient(table, spec?.validationResult ?? 0);
  },
};

registerProvider(fakeProvider);
