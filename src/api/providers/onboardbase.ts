import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const OnboardbaseAuthSecretRefSchema = Type.Object({
  /** The API key an Onboardbase admin generated for the project and environment. */
  apiKeyRef: SecretKeySelectorSchema,
  /** The passcode attached to the API key; it decrypts the secrets the API returns. */
  passcodeRef: SecretKeySelectorSchema,
});

export const DEFAULT_ONBOARDBASE_API_HOST = "https://public.onboardbase.com/api/v1/";

export const OnboardbaseProviderSchema = Type.Object({
  auth: OnboardbaseAuthSecretRefSchema,
  apiHost: Type.String({ default: DEFAULT_ONBOARDBASE_API_HOST }),
  project: Type.String({ default: "development" }),
  environment: Type.String({ default: "development" }),
});
export type OnboardbaseProvider = Static<typeof OnboardbaseProviderSchema>;
