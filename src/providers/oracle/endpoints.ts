/**
 * OCI service hosts for a region. ESO_ORACLE_ENDPOINT (operator environment, for tests and private
 * endpoints) replaces every one of them with one base URL.
 */
export const ORACLE_ENDPOINT_ENV = "ESO_ORACLE_ENDPOINT";

export type OciService = "secrets" | "vaults" | "kms" | "auth";

/** Region identifiers are lowercase words joined by hyphens; anything else could redirect the host name. */
export const REGION_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function serviceEndpoint(service: OciService, region: string): string {
  const override = process.env[ORACLE_ENDPOINT_ENV];
  if (override) return override.replace(/\/+$/, "");
  switch (service) {
    case "secrets":
      return `https://secrets.vaults.${region}.oci.oraclecloud.com`;
    case "vaults":
      return `https://vaults.${region}.oci.oraclecloud.com`;
    case "kms":
      return `https://kms.${region}.oraclecloud.com`;
    case "auth":
      return `https://auth.${region}.oraclecloud.com`;
  }
}
