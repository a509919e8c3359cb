import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const KeeperSecurityProviderSchema = Type.Object({
  authRef: SecretKeySelectorSchema,
  folderID: Type.String(),
});
export type KeeperSecurityProvider = Static<typeof KeeperSecurityProviderSchema>;
