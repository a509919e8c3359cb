/** The "kubernetes" provider: Secrets of the same or a remote cluster. ReadWrite. */
import type { KubernetesProvider } from "../../api/providers/kubernetes.js";
import type { Provider } from "../provider.js";
import { KubernetesClient } from "./client.js";
import { connectToStoreCluster } from "./connect.js";

export const kubernetesProvider: Provider<KubernetesProvider> = {
  name: "kubernetes",
  capabilities: () => "ReadWrite",
  validate(spec, storeKind) {
    const errors: string[] = [];
    const f = "spec.provider.kubernetes";
    if (!spec?.auth && !spec?.authRef) errors.push(`${f}.auth: one of auth or authRef is required`);
    const auth = spec?.auth;
    if (auth) {
      const set = [auth.token, auth.serviceAccount, auth.cert].filter((x) => x !== undefined).length;
      if (set !== 1) errors.push(`${f}.auth: exactly one of token, serviceAccount or cert must be set`);
      if (auth.cert && (!auth.cert.clientCert || !auth.cert.clientKey)) {
        errors.push(`${f}.auth.cert: clientCert and clientKey are required`);
      }
      if (auth.token && !auth.token.bearerToken) errors.push(`${f}.auth.token.bearerToken: is required`);
    }
    if (storeKind === "SecretStore" && spec?.server?.caProvider?.namespace) {
      errors.push(`${f}.server.caProvider.namespace: must be empty for a SecretStore`);
    }
    return { errors, warnings: [] };
  },
  async newClient(spec, ctx) {
    const conn = await connectToStoreCluster(spec, ctx);
    return new KubernetesClient(conn, spec.remoteNamespace ?? "default", ctx.signal);
  },
};
