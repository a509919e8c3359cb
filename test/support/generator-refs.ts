/** What the generator e2e tests share: a generator kind's resource by plural, and an ExternalSecret spec using it. */
const API = "generators.external-secrets.io/v1alpha1";

/** The generators.external-secrets.io resource with this plural (ClusterGenerator is the cluster-scoped one). */
export const gen = (plural: string) => ({
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural,
  namespaced: plural !== "clustergenerators",
});

/** An ExternalSecret spec reading everything the generator `kind`/`name` produces. */
export const fromGenerator = (kind: string, name: string, refreshInterval?: string) => ({
  ...(refreshInterval ? { refreshInterval } : {}),
  dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API, kind, name } } }],
});
