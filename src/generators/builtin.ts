/**
 * The generator kinds this operator ships. The composition root registers them (the controllers, `eso render`);
 * a new kind adds one line here. The AWS SDK behind ECRAuthorizationToken loads on first use.
 */
import { acrAccessTokenGenerator } from "./acr/index.js";
import { artifactoryAccessTokenGenerator } from "./artifactory/index.js";
import { azureAccessTokenGenerator } from "./azureaccesstoken/index.js";
import { beyondtrustWorkloadCredentialsGenerator } from "./beyondtrust/index.js";
import { cloudsmithAccessTokenGenerator } from "./cloudsmith/index.js";
import { codeArtifactAuthorizationTokenGenerator } from "./codeartifact/index.js";
import { ecrAuthorizationTokenGenerator } from "./ecr/index.js";
import { fakeGenerator } from "./fake/index.js";
import { gcrAccessTokenGenerator } from "./gcr/index.js";
import type { Generator } from "./generator.js";
import { githubAccessTokenGenerator } from "./github/index.js";
import { gitlabDeployTokenGenerator } from "./gitlab/index.js";
import { grafanaGenerator } from "./grafana/index.js";
import { hexGenerator } from "./hex/index.js";
import { mfaGenerator } from "./mfa/index.js";
import { passwordGenerator } from "./password/index.js";
import { quayAccessTokenGenerator } from "./quay/index.js";
import { rdsIamAuthTokenGenerator } from "./rdsiam/index.js";
import { registerGenerator } from "./registry.js";
import { serviceAccountTokenGenerator } from "./serviceaccounttoken/index.js";
import { sshKeyGenerator } from "./sshkey/index.js";
import { stsSessionTokenGenerator } from "./sts/index.js";
import { stsAssumeRoleTokenGenerator } from "./stsassumerole/index.js";
import { uuidGenerator } from "./uuid/index.js";
import { vaultDynamicSecretGenerator } from "./vault/index.js";
import { webhookGenerator } from "./webhook/index.js";

export const builtinGenerators: readonly Generator<any>[] = [
  acrAccessTokenGenerator,
  artifactoryAccessTokenGenerator,
  azureAccessTokenGenerator,
  beyondtrustWorkloadCredentialsGenerator,
  cloudsmithAccessTokenGenerator,
  codeArtifactAuthorizationTokenGenerator,
  ecrAuthorizationTokenGenerator,
  fakeGenerator,
  gcrAccessTokenGenerator,
  githubAccessTokenGenerator,
  gitlabDeployTokenGenerator,
  grafanaGenerator,
  hexGenerator,
  mfaGenerator,
  passwordGenerator,
  quayAccessTokenGenerator,
  rdsIamAuthTokenGenerator,
  serviceAccountTokenGenerator,
  sshKeyGenerator,
  stsSessionTokenGenerator,
  stsAssumeRoleTokenGenerator,
  uuidGenerator,
  vaultDynamicSecretGenerator,
  webhookGenerator,
];

/** Registers every built-in kind with the generator registry (idempotent). */
export function registerBuiltinGenerators(register: (g: Generator<any>) => void = registerGenerator): void {
  for (const g of builtinGenerators) register(g);
}
