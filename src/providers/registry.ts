/**
 * Which provider serves each spec.provider key. The composition root fills one registry
 * (registerBuiltinProviders in builtin.ts) and hands it to what resolves stores.
 */
import type { Provider } from "./provider.js";

export type ResolvedProvider = { provider: Provider; spec: unknown } | { error: string };

export class ProviderRegistry {
  private readonly providers = new Map<string, Provider>();

  /** Adds a provider (or replaces the one of the same name). */
  register(provider: Provider): this {
    this.providers.set(provider.name, provider);
    return this;
  }

  get(name: string): Provider | undefined {
    return this.providers.get(name);
  }

  names(): string[] {
    return [...this.providers.keys()].sort();
  }

  /**
   * Picks the single configured provider out of a store's spec.provider block. Returns an error message
   * (naming the field) when there is not exactly one, or it is not registered.
   */
  resolve(providerBlock: Record<string, unknown> | undefined): ResolvedProvider {
    const block = providerBlock ?? {};
    const keys = Object.keys(block).filter((k) => block[k] != null);
    const [name] = keys;
    if (keys.length !== 1 || name === undefined) {
      return { error: `spec.provider: exactly one provider must be set, found ${keys.length}` };
    }
    const provider = this.providers.get(name);
    if (!provider) return { error: `spec.provider.${name}: provider is not supported by this operator` };
    return { provider, spec: block[name] };
  }
}
