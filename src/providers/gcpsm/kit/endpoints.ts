/**
 * Google endpoints, each overridable by an environment variable (private endpoints, test servers).
 */
export const gcpEndpoints = {
  /** Secret Manager base URL; regional secrets use secretmanager.<location>.rep.googleapis.com by default. */
  secretManager(location?: string): string {
    const override = process.env.GCP_SECRETMANAGER_ENDPOINT;
    if (override) return override;
    return location ? `https://secretmanager.${location}.rep.googleapis.com` : "https://secretmanager.googleapis.com";
  },
  /** OAuth2 token endpoint for service-account JWTs; defaults to the key's token_uri. */
  oauthToken(fromKey?: string): string {
    return process.env.GCP_OAUTH_TOKEN_URL || fromKey || "https://oauth2.googleapis.com/token";
  },
  sts(): string {
    return process.env.GCP_STS_TOKEN_URL || "https://sts.googleapis.com/v1/token";
  },
  iamCredentials(): string {
    return process.env.GCP_IAM_CREDENTIALS_ENDPOINT || "https://iamcredentials.googleapis.com";
  },
  /** GCE metadata server; GCE_METADATA_HOST is Google's own variable (host[:port]). */
  metadata(): string {
    const host = process.env.GCE_METADATA_HOST || "metadata.google.internal";
    return /^https?:\/\//.test(host) ? host : `http://${host}`;
  },
};

/** Splits an endpoint URL into the SDK's apiEndpoint / port / protocol options. */
export function sdkEndpoint(url: string): { apiEndpoint: string; port: number; protocol: string } {
  const u = new URL(url);
  const protocol = u.protocol.replace(":", "");
  const port = u.port ? Number(u.port) : protocol === "http" ? 80 : 443;
  return { apiEndpoint: u.hostname, port, protocol };
}
