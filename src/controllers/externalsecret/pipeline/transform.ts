/**
 * Step 4 of a sync: what upstream does to raw provider data before templates see it. dataFrom maps are rewritten,
 * filtered by select (on the rewritten names), key-converted when there was no rewrite, their keys checked, values
 * decoded and null bytes policed; data[] values are decoded and policed.
 */
import type { ExternalSecretData, ExternalSecretDataFrom } from "../../../api/externalsecret.js";
import { rewriteMap } from "../../common/rewrite.js";
import type { RenderTemplate } from "../../common/secret-template.js";
import { decodeMap, decodeValue } from "./decode.js";
import type { FetchedMap } from "./fetch.js";
import { FetchError } from "./fetch.js";
import { convertKeys, validateKeys } from "./keys.js";
import { selectKeys } from "./select.js";

function checkNullBytes(policy: string | undefined, data: Record<string, Buffer>, where: string): void {
  if (policy !== "Fail") return;
  for (const [k, v] of Object.entries(data)) {
    if (v.includes(0)) throw new FetchError(`${where}: value of key ${JSON.stringify(k)} contains a null byte`);
  }
}

export async function transformDataFrom(
  entry: ExternalSecretDataFrom,
  index: number,
  fetched: FetchedMap,
  render: RenderTemplate,
): Promise<Record<string, Buffer>> {
  if (fetched.generated)
    return validateKeys(selectKeys(entry.select, await rewriteMap(entry.rewrite, fetched.map, render)));
  const source = entry.find ?? entry.extract;
  if (source) checkNullBytes(source.nullBytePolicy, fetched.map, `spec.dataFrom[${index}]`);
  let map = selectKeys(entry.select, await rewriteMap(entry.rewrite, fetched.map, render));
  if (!entry.rewrite?.length) map = convertKeys(source?.conversionStrategy ?? "Default", map);
  return decodeMap(source?.decodingStrategy, validateKeys(map));
}

export function transformData(entry: ExternalSecretData, index: number, value: Buffer): Buffer {
  const decoded = decodeValue(entry.remoteRef.decodingStrategy, value);
  checkNullBytes(entry.remoteRef.nullBytePolicy, { [entry.secretKey]: decoded }, `spec.data[${index}]`);
  return decoded;
}
