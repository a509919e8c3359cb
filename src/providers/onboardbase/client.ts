import { NoSecretError, NotSupportedError, ProviderAuthError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { gjsonGet } from "../util/gjson-path.js";
import { readinessOf } from "../util/readiness.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { decryptWithPasscode } from "./passcode-cipher.js";
import type { OnboardbaseApi } from "./transport.js";

/** Upstream's answer to every write: the provider is read-only. */
const NOT_IMPLEMENTED = "onboardbase: not implemented";

/** Read-only client over one Onboardbase project environment. */
export class OnboardbaseClient implements SecretsClient {
  constructor(
    private readonly api: OnboardbaseApi,
    private readonly passcode: string,
    private readonly project: string,
    private readonly environment: string,
  ) {}

  /**
   * Every secret of the environment, decrypted. Entries that do not decrypt are left out; when none does, the
   * passcode is wrong, which is reported as such rather than as every key missing.
   */
  private async all(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let failed = 0;
    for (const s of await this.api.secrets(this.project, this.environment)) {
      try {
        out.set(decryptWithPasscode(s.key, this.passcode), decryptWithPasscode(s.value, this.passcode));
      } catch {
        failed++;
      }
    }
    if (failed > 0 && out.size === 0) {
      throw new ProviderAuthError("onboardbase: authentication failed: unable to decrypt secrets with the passcode");
    }
    return out;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const value = (await this.all()).get(ref.key);
    if (!value) {
      throw new NoSecretError(
        `onboardbase: secret ${JSON.stringify(ref.key)} for project "${this.project}" and environment "${this.environment}" not found`,
      );
    }
    if (!ref.property) return Buffer.from(value, "utf8");
    // Upstream returns the property's raw JSON text: a string property keeps its quotes.
    const selected = gjsonGet(value, ref.property);
    if (!selected) {
      throw new NoSecretError(
        `onboardbase: cannot find property ${ref.property} in secret data for key: ${JSON.stringify(ref.key)}`,
      );
    }
    return Buffer.from(selected.raw, "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.tags && Object.keys(find.tags).length)
      throw new NotSupportedError("onboardbase: find by tags not supported");
    const matcher = newFindMatcher({ name: find.name, path: find.path });
    const out: Record<string, Buffer> = {};
    for (const [k, v] of await this.all()) if (matcher.matches(k)) out[k] = Buffer.from(v, "utf8");
    return out;
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

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.teamMembers());
  }

  async close(): Promise<void> {}
}
