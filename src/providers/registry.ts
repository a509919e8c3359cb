import type { Provider } from "./provider.js";

const providers = new Map<string, Provider<any>>();

export function registerProvider(provider: Provider<any>): void {
  providers.set(provider.name, provider);
}

export function getProvider(name: string): Provider<any> | undefined {
  return providers.get(name);
}

export function registeredProviders(): string[] {
  return [...providers.keys()].sort();
}

/**
 * Picks the single configured provider out of a store's spec.provider block.
 * Returns an error message (naming the field) when there is not exactly one, or it is not registered.
 */
export function resolveProvider(
  providerBlock: Record<string, unknown> | undefined,
): { provider: Provider<any>; spec: unknown } | { error: string } {
  const keys = Object.keys(providerBlock ?? {}).filter((k) => providerBlock?.[k] != null);
  if (keys.length !== 1) {
    return { error: `spec.provider: exactly one provider must be set, found ${keys.length}` };
  }
  const name = keys[0]!;
  const provider = providers.get(name);
  if (!provider) return { error: `spec.provider.${name}: provider is not supported by this operator` };
  return { provider, spec: providerBlock![name] };
}
