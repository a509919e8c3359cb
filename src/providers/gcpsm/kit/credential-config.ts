/**
 * auth.workloadIdentityFederation.credConfig: an `external_account` credential configuration (the JSON
 * `gcloud iam workload-identity-pools create-cred-config` writes) read from a ConfigMap, checked as upstream
 * checks it: STS must be Google's, impersonation must go to IAM Credentials' generateAccessToken, executables are
 * refused, a URL source must be the store's externalTokenEndpoint, and the operator's own mounted ServiceAccount
 * token is never a source. A file source reads the operator's filesystem, so only a ClusterSecretStore may use one. AWS metadata sources are the operator's ambient AWS identity and are
 * not supported: awsSecurityCredentials names the keys instead.
 */
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import type { GCPWorkloadIdentityFederation } from "../../../api/providers/gcpsm.js";
import { StoreConfigError } from "../../errors.js";
import { refNamespace } from "../../resolvers.js";
import { tenantPolicy } from "../../tenant-policy.js";
import { boundedText } from "../../util/bounded-body.js";
import type { GcpAuthScope } from "./scope.js";
import { TOKEN_MAX_BYTES } from "./token-source.js";

export const GOOGLE_STS_TOKEN_URL = "https://sts.googleapis.com/v1/token";
const IMPERSONATION_URL =
  /^https:\/\/iamcredentials\.googleapis\.com\/v1\/projects\/-\/serviceAccounts\/(\S+):generateAccessToken$/;
const MOUNTED_SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

interface TokenFormat {
  type?: string;
  subject_token_field_name?: string;
}

interface CredentialSource {
  file?: string;
  url?: string;
  headers?: Record<string, string>;
  format?: TokenFormat;
  environment_id?: string;
  executable?: unknown;
}

interface ExternalAccountFile {
  type?: string;
  audience?: string;
  subject_token_type?: string;
  token_url?: string;
  service_account_impersonation_url?: string;
  credential_source?: CredentialSource;
}

export interface ExternalAccount {
  audience: string;
  subjectTokenType: string;
  impersonate?: string;
  subjectToken: () => Promise<string>;
}

function fromFormat(raw: string, format: TokenFormat | undefined, where: string, label: string): string {
  if (format?.type !== "json") return raw.trim();
  const field = format.subject_token_field_name;
  if (!field) throw new StoreConfigError(`${where}.format.subject_token_field_name: is required for json`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw new Error(`${label}: ${where}: the subject token source is not JSON`);
  }
  const token = (doc as Record<string, unknown>)?.[field];
  if (typeof token !== "string" || !token) throw new Error(`${label}: ${where}: no "${field}" in the token source`);
  return token;
}

async function readFileBounded(path: string, where: string): Promise<string> {
  const fh = await open(path, "r").catch(() => {
    throw new StoreConfigError(`${where}.file: cannot be read`);
  });
  try {
    const buf = Buffer.alloc(TOKEN_MAX_BYTES);
    const { bytesRead } = await fh.read(buf, 0, TOKEN_MAX_BYTES, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
}

function subjectTokenSource(
  src: CredentialSource,
  wif: GCPWorkloadIdentityFederation,
  scope: GcpAuthScope,
): () => Promise<string> {
  const wifField = `${scope.authField}.workloadIdentityFederation`;
  const where = `${wifField}.credConfig: credential_source`;
  const label = scope.label;
  if (src.executable !== undefined) throw new StoreConfigError(`${where}.executable: is not allowed`);
  if (src.environment_id) {
    throw new StoreConfigError(
      `${where}.environment_id: AWS metadata sources are not supported; use ${wifField}.awsSecurityCredentials`,
    );
  }
  if (src.url) {
    if (src.url !== wif.externalTokenEndpoint) {
      throw new StoreConfigError(`${where}.url: does not match ${wifField}.externalTokenEndpoint`);
    }
    const url = src.url;
    return async () => {
      let res: Response;
      try {
        res = await fetch(url, { headers: src.headers ?? {}, signal: scope.signal });
      } catch (err) {
        throw new Error(`${label}: external token endpoint: request failed: ${(err as Error).message}`);
      }
      const text = await boundedText(res, TOKEN_MAX_BYTES, `${label}: external token endpoint response`);
      if (!res.ok) throw new Error(`${label}: external token endpoint: HTTP ${res.status}`);
      return fromFormat(text, src.format, where, label);
    };
  }
  if (src.file) {
    const file = resolve(src.file);
    if (file === MOUNTED_SA_TOKEN || file === resolve(tenantPolicy().ownServiceAccountTokenPath)) {
      throw new StoreConfigError(
        `${where}.file: the operator's own ServiceAccount token cannot be used; set serviceAccountRef`,
      );
    }
    if (scope.storeKind !== "ClusterSecretStore") {
      throw new StoreConfigError(
        `${where}.file: a SecretStore may not read files of the operator's filesystem; set serviceAccountRef`,
      );
    }
    return async () => fromFormat(await readFileBounded(file, where), src.format, where, label);
  }
  throw new StoreConfigError(`${where}: one of file or url is required`);
}

/** Reads and checks the ConfigMap's external account configuration. */
export async function externalAccountFromConfigMap(
  wif: GCPWorkloadIdentityFederation,
  scope: GcpAuthScope,
): Promise<ExternalAccount> {
  const ref = wif.credConfig!;
  const where = `${scope.authField}.workloadIdentityFederation.credConfig`;
  const ns = refNamespace(scope, ref, where);
  const data = await scope.kube.getConfigMap(ns, ref.name);
  if (!data) throw new StoreConfigError(`${where}: ConfigMap ${ns}/${ref.name} not found`);
  const json = data[ref.key];
  if (!json) throw new StoreConfigError(`${where}: key "${ref.key}" missing or empty in ConfigMap ${ns}/${ref.name}`);
  let file: ExternalAccountFile;
  try {
    file = JSON.parse(json) as ExternalAccountFile;
  } catch {
    throw new StoreConfigError(`${where}: key "${ref.key}" is not JSON`);
  }
  if (file.type !== "external_account") throw new StoreConfigError(`${where}: type must be "external_account"`);
  if (file.token_url && file.token_url !== GOOGLE_STS_TOKEN_URL) {
    throw new StoreConfigError(`${where}: token_url must be ${GOOGLE_STS_TOKEN_URL}`);
  }
  let impersonate: string | undefined;
  if (file.service_account_impersonation_url) {
    const m = IMPERSONATION_URL.exec(file.service_account_impersonation_url);
    if (!m) throw new StoreConfigError(`${where}: service_account_impersonation_url does not have the expected form`);
    impersonate = decodeURIComponent(m[1]!);
  }
  const audience = wif.audience || file.audience;
  if (!audience) throw new StoreConfigError(`${where}: audience is empty`);
  if (!file.credential_source) throw new StoreConfigError(`${where}: credential_source is required`);
  return {
    audience,
    subjectTokenType: file.subject_token_type || "urn:ietf:params:oauth:token-type:jwt",
    impersonate,
    subjectToken: subjectTokenSource(file.credential_source, wif, scope),
  };
}
