/**
 * QuayAccessToken: a ServiceAccount token (TokenRequest with the selector's audiences) exchanged at Quay's robot
 * federation endpoint for a robot token. Values as upstream: registry (the host), auth (base64 of
 * "<robot>:<token>", a docker config `auth`), expiry (the token's exp, Unix seconds). Nothing to revoke.
 * ESO_QUAY_CA_BUNDLE names a PEM file of CAs trusted instead of the public roots (self-hosted Quay).
 */
import { readFile } from "node:fs/promises";
import type { QuayAccessTokenSpec } from "../../api/generators/quay.js";
import { type Generator, GeneratorError } from "../generator.js";
import { federatedServiceAccountToken, jwtExpiry } from "../oidc-federation.js";
import { exchangeRobotToken } from "./transport.js";

export const QUAY_CA_BUNDLE_ENV = "ESO_QUAY_CA_BUNDLE";
const DEFAULT_HOST = "quay.io";

/** spec.url as upstream reads it: a host, with an optional https:// prefix dropped. */
export function quayHost(url: string | undefined): string {
  const host = (url || DEFAULT_HOST).replace(/^https:\/\//, "");
  if (host.includes("://")) {
    throw new GeneratorError(`spec.url: must be a host name such as quay.example.com (https is implied)`);
  }
  return host;
}

async function trustedCAs(): Promise<string | undefined> {
  const file = process.env[QUAY_CA_BUNDLE_ENV];
  if (!file) return undefined;
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new GeneratorError(
      `${QUAY_CA_BUNDLE_ENV}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "read failed"}`,
    );
  }
}

export const quayAccessTokenGenerator: Generator<QuayAccessTokenSpec> = {
  kind: "QuayAccessToken",
  clusterSpecKey: "quayAccessTokenSpec",
  async generate(spec, ctx) {
    if (!spec?.robotAccount) throw new GeneratorError("spec.robotAccount: is required");
    const host = quayHost(spec.url);
    const federatedToken = await federatedServiceAccountToken(spec.serviceAccountRef, ctx);
    const token = await exchangeRobotToken({
      host,
      robotAccount: spec.robotAccount,
      federatedToken,
      ca: await trustedCAs(),
      signal: ctx.signal,
    });
    return {
      data: {
        registry: Buffer.from(host),
        auth: Buffer.from(Buffer.from(`${spec.robotAccount}:${token}`).toString("base64")),
        expiry: Buffer.from(jwtExpiry(token, "quay: robot token")),
      },
    };
  },
};
