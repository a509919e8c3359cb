/**
 * Nebius gRPC services live at `{api_service_name}.{apiDomain}` (port 443 unless the domain names one).
 * ESO_NEBIUS_ENDPOINT (operator environment, for tests and private networks) dials every service at one
 * host:port instead, still checking the TLS certificate against the service's own host name.
 */
export const NEBIUS_ENDPOINT_ENV = "ESO_NEBIUS_ENDPOINT";

export const PAYLOAD_SERVICE = "dpl.mysterybox";
export const TOKEN_EXCHANGE_SERVICE = "tokens.iam";

export interface ServiceTarget {
  /** What the channel dials. */
  address: string;
  /** The TLS server name and :authority. */
  host: string;
}

export function serviceTarget(service: string, apiDomain: string): ServiceTarget {
  const domain = apiDomain.trim();
  const colon = domain.lastIndexOf(":");
  const hostPart = colon >= 0 ? domain.slice(0, colon) : domain;
  const port = colon >= 0 ? domain.slice(colon + 1) : "443";
  const host = `${service}.${hostPart}`;
  const override = process.env[NEBIUS_ENDPOINT_ENV];
  return { address: override || `${host}:${port}`, host };
}
