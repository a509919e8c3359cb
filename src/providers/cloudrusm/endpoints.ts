/**
 * Where the Cloud.ru APIs are. Upstream dials their gRPC endpoints; this provider speaks their documented
 * HTTP/JSON gateways instead: IAM's `/api/v1/auth/token` and Secret Manager's `/v1` and `/v2` REST paths. The
 * operator (never a store) may point them elsewhere with these environment variables.
 */
export const CLOUDRU_IAM_URL_ENV = "CLOUDRU_IAM_URL";
export const CLOUDRU_CSM_URL_ENV = "CLOUDRU_CSM_URL";
export const DEFAULT_IAM_URL = "https://iam.api.cloud.ru";
export const DEFAULT_CSM_URL = "https://secretmanager.api.cloud.ru";

export interface CloudruEndpoints {
  iam: string;
  csm: string;
}

export function cloudruEndpoints(): CloudruEndpoints {
  const trim = (u: string) => u.replace(/\/+$/, "");
  return {
    iam: trim(process.env[CLOUDRU_IAM_URL_ENV] || DEFAULT_IAM_URL),
    csm: trim(process.env[CLOUDRU_CSM_URL_ENV] || DEFAULT_CSM_URL),
  };
}
