/**
 * GithubAccessToken: signs a GitHub App JWT with the App's private key (from a Secret in the generator's
 * namespace) and exchanges it for an installation access token, optionally narrowed to some repositories and
 * permissions. As upstream, the one value is `token`; installation tokens expire on their own after an hour,
 * so nothing is recorded for cleanup.
 */
import type { GithubAccessTokenSpec } from "../../api/generators/github.js";
import {
  createInstallationToken,
  DEFAULT_GITHUB_API,
  GithubAppError,
  parseAppPrivateKey,
  signAppJwt,
} from "../../providers/github/kit/index.js";
import { resolveSecretKey } from "../../providers/resolvers.js";
import { type Generator, GeneratorError } from "../generator.js";

const KEY_FIELD = "spec.auth.privateKey.secretRef";

export interface GithubGeneratorOptions {
  /** The clock the JWT's iat/exp are taken from (tests move it). */
  now?: () => number;
}

export function newGithubAccessTokenGenerator(opts: GithubGeneratorOptions = {}): Generator<GithubAccessTokenSpec> {
  const now = opts.now ?? Date.now;
  return {
    kind: "GithubAccessToken",
    clusterSpecKey: "githubAccessTokenSpec",
    async generate(spec, ctx) {
      if (!spec?.appID) throw new GeneratorError("spec.appID: is required");
      if (!spec.installID) throw new GeneratorError("spec.installID: is required");
      const ref = spec.auth?.privateKey?.secretRef;
      if (!ref) throw new GeneratorError(`${KEY_FIELD}: is required`);
      let pem: Buffer;
      try {
        pem = await resolveSecretKey(
          { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
          ref,
          KEY_FIELD,
        );
      } catch (err) {
        throw new GeneratorError((err as Error).message);
      }
      try {
        const key = parseAppPrivateKey(pem, KEY_FIELD);
        const { token } = await createInstallationToken({
          baseUrl: spec.url || DEFAULT_GITHUB_API,
          installID: spec.installID,
          appJwt: signAppJwt(spec.appID, key, now()),
          repositories: spec.repositories,
          permissions: spec.permissions,
          signal: ctx.signal,
        });
        return { data: { token: Buffer.from(token) } };
      } catch (err) {
        if (err instanceof GithubAppError) throw new GeneratorError(err.message);
        throw err;
      }
    },
  };
}

export const githubAccessTokenGenerator = newGithubAccessTokenGenerator();
