/** The SecretsClient of one Conjur store: variables read one by one or in batches, found by name, path or annotations. */
import { NoSecretError, NotSupportedError, ProviderAuthError } from "../errors.js";
import type { BatchReads, FindRef, PushRemoteRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { selectProperty } from "../util/json-property.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { shortName, variableId } from "./endpoints.js";
import type { ConjurData, ConjurResource } from "./transport.js";

const PAGE = 100;
/** At most this many resource pages (100 each) are listed for one find. */
const MAX_PAGES = 1000;
/** Ids per batch request, so the query string stays well under common URL limits. */
const BATCH_IDS = 50;
const READ_ONLY = "conjur: the Conjur provider is read-only: pushing, deleting and checking secrets are not supported";

export class ConjurClient implements SecretsClient {
  readonly batchReads: BatchReads;

  constructor(
    private readonly data: ConjurData,
    private readonly account: string,
  ) {
    this.batchReads = {
      batchable: (ref) => !ref.version,
      getSecretBatch: (refs) => this.getSecretBatch(refs),
    };
  }

  private fullId(key: string): string {
    const v = variableId(key, this.account);
    return `${v.account}:variable:${v.id}`;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const v = variableId(ref.key, this.account);
    const value = await this.data.retrieve(v.account, v.id, ref.version);
    return selectProperty(value, ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const matcher = newFindMatcher(find);
    const wanted: string[] = [];
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new Error(`conjur: find: more than ${MAX_PAGES * PAGE} variables to list`);
      const resources = await this.data.listVariables(this.account, PAGE, page * PAGE);
      for (const r of resources) {
        if (typeof r?.id !== "string") continue;
        if (matcher.matches(shortName(r.id), annotations(r))) wanted.push(r.id);
      }
      if (resources.length < PAGE) break;
    }
    const out: Record<string, Buffer> = {};
    for (let i = 0; i < wanted.length; i += BATCH_IDS) {
      const values = await this.data.retrieveBatch(wanted.slice(i, i + BATCH_IDS));
      for (const [id, value] of values) out[shortName(id)] = value;
    }
    return out;
  }

  /** One batch call for all refs; when Conjur refuses the batch (one id missing or forbidden), each is read alone. */
  private async getSecretBatch(refs: RemoteRef[]): Promise<(Buffer | Error)[]> {
    const ids = [...new Set(refs.map((r) => this.fullId(r.key)))];
    let values: Map<string, Buffer>;
    try {
      values = new Map();
      for (let i = 0; i < ids.length; i += BATCH_IDS) {
        for (const [id, v] of await this.data.retrieveBatch(ids.slice(i, i + BATCH_IDS))) values.set(id, v);
      }
    } catch (err) {
      if (err instanceof NoSecretError || (err instanceof ProviderAuthError && err.message.includes("HTTP 403"))) {
        return Promise.all(refs.map((r) => this.getSecret(r).catch((e: Error) => e)));
      }
      return refs.map(() => err as Error);
    }
    return refs.map((ref) => {
      const value = values.get(this.fullId(ref.key));
      if (value === undefined) return new NoSecretError(`conjur: variable ${JSON.stringify(ref.key)}: not found`);
      try {
        return selectProperty(value, ref.property, ref.key);
      } catch (err) {
        return err as Error;
      }
    });
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(READ_ONLY);
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError(READ_ONLY);
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError(READ_ONLY);
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.data.login();
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {}
}

/** A resource's annotations as a name -> value map (find.tags match against them). */
function annotations(r: ConjurResource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of r.annotations ?? []) {
    if (a && typeof a.name === "string") out[a.name] = String(a.value ?? "");
  }
  return out;
}
