/**
 * Semantic checks of generator specs that the schema cannot state (upstream's webhook rules and CEL rules), per
 * kind; a ClusterGenerator's `spec.generator.<kind>Spec` goes through the same function with its own path.
 */
import { durationIssues } from "./duration.js";
import { azureAccessTokenIssues } from "./generators/azureaccesstoken.js";
import { beyondtrustDynamicSecretIssues } from "./generators/beyondtrust.js";
import { codeArtifactAuthorizationTokenIssues } from "./generators/codeartifact.js";
import { gitlabDeployTokenIssues } from "./generators/gitlab.js";

type Issue = { path: string; message: string };
type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function passwordIssues(spec: unknown, path: string): Issue[] {
  if (!isObj(spec)) return [];
  const length = typeof spec.length === "number" ? spec.length : 24;
  const quarter = Math.floor(length / 4);
  const digits = typeof spec.digits === "number" ? spec.digits : quarter;
  const symbols = typeof spec.symbols === "number" ? spec.symbols : quarter;
  return digits + symbols > length
    ? [{ path: `${path}.length`, message: `digits (${digits}) + symbols (${symbols}) exceed length (${length})` }]
    : [];
}

const SSH_SIZES: Record<string, number[]> = { rsa: [2048, 3072, 4096], ecdsa: [256, 384, 521] };

function sshKeyIssues(spec: unknown, path: string): Issue[] {
  if (!isObj(spec) || typeof spec.keySize !== "number") return [];
  const type = spec.keyType ?? "rsa";
  const sizes = SSH_SIZES[type];
  if (!sizes) return [{ path: `${path}.keySize`, message: `keySize does not apply to keyType ${type}` }];
  return sizes.includes(spec.keySize)
    ? []
    : [{ path: `${path}.keySize`, message: `must be one of ${sizes.join(", ")} for keyType ${type}` }];
}

export function generatorSpecIssues(kind: string, spec: unknown, path: string): Issue[] {
  switch (kind) {
    case "Password":
      return passwordIssues(spec, path);
    case "SSHKey":
      return sshKeyIssues(spec, path);
    case "GitlabDeployToken":
      return gitlabDeployTokenIssues(spec, path);
    case "AzureAccessToken":
      return azureAccessTokenIssues(spec, path);
    case "BeyondtrustWorkloadCredentialsDynamicSecret":
      return beyondtrustDynamicSecretIssues(spec, path);
    case "CodeArtifactAuthorizationToken":
      return codeArtifactAuthorizationTokenIssues(spec, path);
    case "Webhook": {
      return isObj(spec) ? durationIssues(spec.timeout, `${path}.timeout`) : [];
    }
    default:
      return [];
  }
}
