/** The "infisical" provider: one project environment of Infisical, through a machine identity. */
import { DEFAULT_INFISICAL_HOST_API, type InfisicalProvider } from "../../api/providers/infisical.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient } from "../provider.js";
import { resolveCABundle } from "../resolvers.js";
import { resolveAuth } from "./auth/resolve.js";
import { InfisicalClient, type ProjectIds } from "./client.js";
import { digest, INFISICAL_LOGINS, type InfisicalLoginCache } from "./login-cache.js";
import { apiBase, InfisicalApi, InfisicalTransport } from "./transport.js";
import { validateSpec } from "./validate.js";

const FIELD = "spec.provider.infisical";

function projectIds(cache: InfisicalLoginCache, key: string, api: InfisicalApi): ProjectIds {
  return {
    async get() {
      const hit = cache.projectIds.get(key);
      if (hit) return { id: hit, cached: true };
      const id = await api.projectId();
      cache.projectIds.set(key, id);
      return { id, cached: false };
    },
    forget: () => cache.projectIds.delete(key),
  };
}

export const infisicalProvider: Provider<InfisicalProvider> = {
  name: "infisical",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate: validateSpec,
  async newClient(spec: InfisicalProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const base = apiBase(spec.hostAPI || DEFAULT_INFISICAL_HOST_API);
    const transport = new InfisicalTransport(base, { ca, signal: ctx.signal, deadline: ctx.deadline });
    const auth = await resolveAuth(spec.auth, ctx);
    const cache = ctx.caches.get(INFISICAL_LOGINS);
    let token: string;
    let identity: string;
    let onUnauthorized = () => {};
    if (auth.kind === "token") {
      token = auth.accessToken;
      identity = digest(base, "token", token);
    } else {
      identity = digest(base, auth.method, ...auth.fingerprint);
      token = await cache.token(identity, async () => transport.login(auth.method, await auth.body()));
      const issued = token;
      onUnauthorized = () => cache.drop(identity, issued);
    }
    const scope = spec.secretsScope;
    const api = new InfisicalApi(
      transport,
      token,
      {
        projectSlug: scope.projectSlug,
        environment: scope.environmentSlug,
        expandSecretReferences: scope.expandSecretReferences ?? true,
      },
      onUnauthorized,
    );
    return new InfisicalClient(
      api,
      {
        projectSlug: scope.projectSlug,
        environment: scope.environmentSlug,
        secretsPath: scope.secretsPath || "/",
        recursive: scope.recursive === true,
      },
      projectIds(cache, digest(identity, scope.projectSlug), api),
    );
  },
};
