/** The "fake" provider: static values from spec.provider.fake.data, for tests and demos. ReadWrite. */
import type { FakeProvider, FakeProviderV1beta1 } from "../../api/providers/fake.js";
import type { Provider } from "../provider.js";
import { FakeClient } from "./client.js";
import { entryKey, storeTable } from "./state.js";

/** spec.provider.fake in either version: v1 has validationResult, v1beta1 valueMap. */
export type FakeSpec = FakeProvider | FakeProviderV1beta1;

const FIELD = "spec.provider.fake";

const valueMapOf = (d: FakeSpec["data"][number]) => ("valueMap" in d ? d.valueMap : undefined);

export const fakeProvider: Provider<FakeSpec> = {
  name: "fake",
  capabilities: () => "ReadWrite",
  validate(spec) {
    const errors: string[] = [];
    (spec?.data ?? []).forEach((d, i) => {
      if (!d.key) errors.push(`${FIELD}.data[${i}].key: must be set`);
      if (!d.value && !valueMapOf(d)) errors.push(`${FIELD}.data[${i}]: at least one of value or valueMap must be set`);
    });
    return { errors, warnings: [] };
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
        valueMap: valueMapOf(d),
        origin: "SecretStore",
      });
    }
    const validationResult = spec && "validationResult" in spec ? spec.validationResult : undefined;
    return new FakeClient(table, validationResult ?? 0);
  },
};
