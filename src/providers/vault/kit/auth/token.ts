import { resolveSecretKeyString } from "../../../resolvers.js";
import type { AuthFactory } from "./types.js";

/** auth.tokenSecretRef: a static token read from a Secret on every client build, so rotation needs no restart. */
export const tokenAuth: AuthFactory<"tokenSecretRef"> = async (ref, ctx) => {
  const token = await resolveSecretKeyString(
    ctx,
    { ...ref, key: ref.key ?? "token" },
    "spec.provider.vault.auth.tokenSecretRef",
  );
  return { kind: "static", token };
};
