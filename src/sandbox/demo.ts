/** Names in examples/sandbox/ that the rotation and drift demonstrations act on. */
export const DEMO = {
  namespace: "sandbox",
  store: "demo-store",
  rotatedKey: "/api/token",
  externalSecret: "db-credentials",
  secret: "db-credentials",
  rotatedSecretKey: "api-token",
  tamperedSecretKey: "password",
  /** Reads the Secret and opts in to rollouts: rotation rolls it. */
  deployment: "web",
};
