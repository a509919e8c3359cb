import { NoSecretError, NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { gjsonGet } from "../util/gjson-path.js";
import { goJsonMarshal } from "../util/go-json.js";
import type { ChefApi } from "./transport.js";

const NOT_IMPLEMENTED = "chef: not implemented";

/** Read-only client over Chef data bags: `bag/item` for one item, `bag` for every item of a bag. */
export class ChefClient implements SecretsClient {
  constructor(
    private readonly api: ChefApi,
    private readonly username: string,
  ) {}

  /** The item re-encoded as upstream's Go client does (object keys sorted). */
  private async itemJson(bag: string, item: string): Promise<string> {
    return goJsonMarshal(await this.api.item(bag, item));
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const [bag, item] = ref.key.split("/");
    if (!bag || !item) {
      throw new Error(
        `chef: key ${JSON.stringify(ref.key)}: invalid key format in data section. Expected value 'databagName/databagItemName'`,
      );
    }
    const json = await this.itemJson(bag, item);
    if (!ref.property) return Buffer.from(json, "utf8");
    const found = gjsonGet(json, ref.property);
    if (!found) throw new NoSecretError(`chef: property ${ref.property} not found in data bag item ${ref.key}`);
    // Upstream takes gjson's Result.Str: a non-string property reads as empty.
    return Buffer.from(found.type === "string" ? found.str : "", "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const bag = ref.key;
    if (bag.includes("/")) {
      throw new Error(
        `chef: key ${JSON.stringify(bag)}: invalid key format in dataForm section. Expected only 'databagName'`,
      );
    }
    const out: Record<string, Buffer> = {};
    for (const item of await this.api.items(bag)) {
      out[item] = Buffer.from(await this.itemJson(bag, item), "utf8");
    }
    return out;
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("chef: dataFrom.find not suppported");
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.api.user(this.username);
      return { ready: true };
    } catch (err) {
      return {
        ready: false,
        message: `unable to validate provided store. Check if username, serverUrl and privateKey are correct: ${(err as Error).message}`,
      };
    }
  }

  async close(): Promise<void> {}
}
