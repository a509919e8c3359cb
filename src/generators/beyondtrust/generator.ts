/**
 * BeyondtrustWorkloadCredentialsDynamicSecret: each run asks BeyondTrust Workload Credentials to generate fresh
 * credentials from the dynamic secret definition at spec.provider.folderPath (`<folder>/<name>`), authenticated
 * with the API key the spec references. Output keys are upstream's: accessKeyId, secretAccessKey, leaseId,
 * expiration, and sessionToken when the service returns one.
 *
 * Nothing is recorded for cleanup: upstream's cleanup is a no-op and the service offers it no revocation call;
 * the credentials lapse at their own expiration.
 */
import { X509Certificate } from "node:crypto";
import { parseDuration } from "../../api/duration.js";
import {
  type BeyondtrustWorkloadCredentialsDynamicSecretSpec,
  beyondtrustDynamicSecretIssues,
} from "../../api/generators/beyondtrust.js";
import type { CredentialScope } from "../../providers/provider.js";
import { resolveCABundle, resolveSecretKeyString } from "../../providers/resolvers.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";
import { type GeneratedCredentials, generateDynamicSecret, RetryableError } from "./transport.js";

const P = "spec.provider";
const DEFAULT_RETRY_INTERVAL_MS = 1000;

/** `folder/sub/name` -> folder `folder/sub`, name `name`; a bare name lives in the root folder. */
export function splitFolderPath(path: string): { folder?: string; name: string } {
  const slash = path.lastIndexOf("/");
  if (slash < 0) return { name: path };
  const folder = path.slice(0, slash);
  return folder ? { folder, name: path.slice(slash + 1) } : { name: path.slice(slash + 1) };
}

function refuseOtherControllerClass(spec: BeyondtrustWorkloadCredentialsDynamicSecretSpec, ctx: GeneratorContext) {
  const wanted = spec.controller ?? "";
  if (wanted === "" || wanted === (ctx.controllerClass ?? "")) return;
  throw new GeneratorError(
    `spec.controller: "${wanted}" is not this controller's class ("${ctx.controllerClass ?? ""}"); the generator is left to the controller of that class`,
  );
}

/** The CA bundle as PEM, checked to hold at least one certificate (as upstream refuses an unparsable bundle). */
async function caBundle(spec: BeyondtrustWorkloadCredentialsDynamicSecretSpec, scope: CredentialScope) {
  const pem = await resolveCABundle(scope, spec.provider.caBundle, spec.provider.caProvider, P);
  if (pem === undefined) return undefined;
  const field = spec.provider.caBundle ? `${P}.caBundle` : `${P}.caProvider`;
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  try {
    if (!first) throw new Error("no PEM certificate");
    new X509Certificate(first[0]);
  } catch {
    throw new GeneratorError(`${field}: no PEM certificate could be parsed from the CA bundle`);
  }
  return pem;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GeneratorError("beyondtrust: aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GeneratorError("beyondtrust: aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function toData(c: GeneratedCredentials): Record<string, Buffer> {
  const data: Record<string, Buffer> = {
    accessKeyId: Buffer.from(c.accessKeyId),
    secretAccessKey: Buffer.from(c.secretAccessKey),
    leaseId: Buffer.from(c.leaseId),
    expiration: Buffer.from(c.expiration),
  };
  if (c.sessionToken) data.sessionToken = Buffer.from(c.sessionToken);
  return data;
}

export const beyondtrustWorkloadCredentialsGenerator: Generator<BeyondtrustWorkloadCredentialsDynamicSecretSpec> = {
  kind: "BeyondtrustWorkloadCredentialsDynamicSecret",
  clusterSpecKey: "beyondtrustWorkloadCredentialsDynamicSecretSpec",
  async generate(spec, ctx) {
    const issues = beyondtrustDynamicSecretIssues(spec);
    if (issues.length) throw new GeneratorError(issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    refuseOtherControllerClass(spec, ctx);
    // A generator reads only its own namespace, as a SecretStore does.
    const scope: CredentialScope = { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace };
    let token: string;
    let ca: string | undefined;
    try {
      token = await resolveSecretKeyString(scope, spec.provider.auth.apikey.token, `${P}.auth.apikey.token`);
      ca = await caBundle(spec, scope);
    } catch (err) {
      throw err instanceof GeneratorError ? err : new GeneratorError((err as Error).message);
    }
    if (!token) throw new GeneratorError(`${P}.auth.apikey.token: the referenced Secret key is empty`);
    const { apiUrl, siteId } = spec.provider.server;
    const target = {
      baseUrl: `${apiUrl.replace(/\/+$/, "")}/${encodeURIComponent(siteId)}/secrets`,
      token,
      ca,
      signal: ctx.signal,
    };
    const { folder, name } = splitFolderPath(spec.provider.folderPath ?? "");
    const maxRetries = spec.retrySettings?.maxRetries ?? 0;
    const interval = spec.retrySettings?.retryInterval
      ? parseDuration(spec.retrySettings.retryInterval)
      : DEFAULT_RETRY_INTERVAL_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return { data: toData(await generateDynamicSecret(target, name, folder)) };
      } catch (err) {
        if (!(err instanceof RetryableError) || attempt >= maxRetries || ctx.signal?.aborted) throw err;
        await sleep(interval * 2 ** attempt, ctx.signal);
      }
    }
  },
};
