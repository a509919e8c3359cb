/**
 * The controller's own Volcengine identity (IRSA): its projected OIDC token exchanged with STS
 * AssumeRoleWithOIDC for temporary credentials, from the environment the SDK reads
 * (VOLCENGINE_OIDC_TOKEN_FILE, VOLCENGINE_OIDC_ROLE_TRN). Kept per role until shortly before expiry.
 */
import { readFile } from "node:fs/promises";
import { StoreConfigError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import type { VolcCredentials } from "../signer.js";
import { volcCall } from "../transport.js";

const REFRESH_MARGIN_MS = 5 * 60_000;

interface Held {
  creds: VolcCredentials;
  until: number;
}

export const VOLCENGINE_OIDC_CREDENTIALS: CacheKey<Map<string, Held>> = {
  name: "volcengine-oidc-credentials",
  create: () => new Map(),
};

export async function oidcCredentials(
  cache: Map<string, Held>,
  region: string,
  field: string,
  signal?: AbortSignal,
  deadline?: number,
): Promise<VolcCredentials> {
  const tokenFile = process.env.VOLCENGINE_OIDC_TOKEN_FILE;
  const roleTrn = process.env.VOLCENGINE_OIDC_ROLE_TRN;
  if (!tokenFile || !roleTrn) {
    throw new StoreConfigError(
      `${field}: no auth.secretRef, and the controller has no IRSA environment (VOLCENGINE_OIDC_TOKEN_FILE, VOLCENGINE_OIDC_ROLE_TRN)`,
    );
  }
  const key = `${roleTrn}\0${region}`;
  const hit = cache.get(key);
  if (hit && Date.now() < hit.until) return hit.creds;
  let token: string;
  try {
    token = (await readFile(tokenFile, "utf8")).trim();
  } catch (err) {
    throw new StoreConfigError(`${field}: cannot read the OIDC token file: ${(err as NodeJS.ErrnoException).code}`);
  }
  const result = await volcCall<{
    Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; ExpiredTime?: string };
  }>(
    {
      service: "sts",
      version: "2018-01-01",
      region,
      action: "AssumeRoleWithOIDC",
      params: {
        RoleTrn: roleTrn,
        RoleSessionName: process.env.VOLCENGINE_OIDC_ROLE_SESSION_NAME || "external-secrets",
        OIDCToken: token,
        DurationSeconds: "3600",
      },
      signal,
      deadline,
    },
    "assume role with OIDC",
  );
  const c = result.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw new Error("volcengine: assume role with OIDC: no credentials returned");
  const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  const expires = Date.parse(c.ExpiredTime ?? "") || 0;
  if (expires - REFRESH_MARGIN_MS > Date.now()) {
    if (cache.size > 1000) cache.clear();
    cache.set(key, { creds, until: expires - REFRESH_MARGIN_MS });
  }
  return creds;
}
