/**
 * The generator kinds this operator ships. The composition root registers them (the controllers, `eso render`);
 * a new kind adds one line here. The AWS SDK behind ECRAuthorizationToken loads on first use.
 */
import { ecrAuthorizationTokenGenerator } from "./ecr/index.js";
import { fakeGenerator } from "./fake/index.js";
import type { Generator } from "./generator.js";
import { passwordGenerator } from "./password/index.js";
import { registerGenerator } from "./registry.js";
import { sshKeyGenerator } from "./sshkey/index.js";
import { uuidGenerator } from "./uuid/index.js";
import { vaultDynamicSecretGenerator } from "./vault/index.js";
import { webhookGenerator } from "./webhook/index.js";

export const builtinGenerators: readonly Generator<any>[] = [
  ecrAuthorizationTokenGenerator,
  fakeGenerator,
  passwordGenerator,
  sshKeyGenerator,
  uuidGenerator,
  vaultDynamicSecretGenerator,
  webhookGenerator,
];

/** Registers every built-in kind with the generator registry (idempotent). */
export function registerBuiltinGenerators(register: (g: Generator<any>) => void = registerGenerator): void {
  for (const g of builtinGenerators) register(g);
}
