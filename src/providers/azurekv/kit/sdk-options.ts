/** Options shared by the Azure identity credentials and the Key Vault clients: retries, trust, capped bodies. */
import { readFile } from "node:fs/promises";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { boundedAzureHttpClient } from "./transport.js";

export interface AzureClientOptions {
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
  tlsOptions?: { ca: string };
  httpClient?: HttpClient;
}

/**
 * ESO_AZURE_CA_BUNDLE names a PEM file of CAs trusted (instead of the public roots) for Entra ID and Key
 * Vault: private clouds with their own CA, and loopback test servers.
 */
export async function azureClientOptions(): Promise<AzureClientOptions> {
  const opts: AzureClientOptions = {
    retryOptions: { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 5000 },
    // Response bodies are read under the size cap (vaultUrl and the AD endpoint are the store author's choice).
    httpClient: await boundedAzureHttpClient(),
  };
  const caFile = process.env.ESO_AZURE_CA_BUNDLE;
  if (caFile) opts.tlsOptions = { ca: await readFile(caFile, "utf8") };
  return opts;
}
