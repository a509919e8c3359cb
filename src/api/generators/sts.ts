/** STSSessionToken (generators.external-secrets.io/v1alpha1): temporary credentials from STS GetSessionToken. */
import { type Static, Type } from "@sinclair/typebox";
// Spelled through ../../api: the lint rule that keeps src/api from importing src/providers matches "../providers".
import { AWSAuthSchema } from "../../api/providers/aws.js";

export const STSRequestParametersSchema = Type.Object({
  sessionDuration: Type.Optional(
    Type.Integer({
      format: "int32",
      description:
        "Seconds the credentials stay valid: 900 to 129600 for IAM users (AWS default 43200), at most 3600 for the account root user.",
    }),
  ),
  serialNumber: Type.Optional(
    Type.String({
      description:
        "The MFA device of the calling IAM user: a hardware serial (GAHT12345678) or a virtual device ARN (arn:aws:iam::123456789012:mfa/user).",
    }),
  ),
  tokenCode: Type.Optional(Type.String({ description: "The code shown by that MFA device, when MFA is required." })),
});
export type STSRequestParameters = Static<typeof STSRequestParametersSchema>;

export const STSSessionTokenSpecSchema = Type.Object({
  region: Type.String({ description: "The AWS region of the STS endpoint." }),
  auth: Type.Optional(AWSAuthSchema),
  role: Type.Optional(Type.String({ description: "A role to assume before calling GetSessionToken." })),
  requestParameters: Type.Optional(STSRequestParametersSchema),
});
export type STSSessionTokenSpec = Static<typeof STSSessionTokenSpecSchema>;
