/**
 * STSAssumeRoleToken (generators.external-secrets.io/v1alpha1): temporary credentials for spec.role from STS
 * AssumeRole, signed with any AWS credentials (long-term keys, IRSA, the default chain).
 */
import { type Static, Type } from "@sinclair/typebox";
// Spelled through ../../api: the lint rule that keeps src/api from importing src/providers matches "../providers".
import { AWSAuthSchema } from "../../api/providers/aws.js";

export const AssumeRoleRequestParametersSchema = Type.Object({
  sessionDuration: Type.Optional(
    Type.Integer({
      format: "int32",
      description: "Seconds the role session lasts: 900 up to the role's maximum session duration (default 3600).",
    }),
  ),
  externalID: Type.Optional(
    Type.String({
      description: "The external ID the role's trust policy asks for, when assuming a role in another account.",
    }),
  ),
});
export type AssumeRoleRequestParameters = Static<typeof AssumeRoleRequestParametersSchema>;

export const STSAssumeRoleTokenSpecSchema = Type.Object({
  region: Type.String({ description: "The AWS region to operate in." }),
  role: Type.String({ minLength: 1, description: "The ARN of the IAM role to assume." }),
  auth: Type.Optional(AWSAuthSchema),
  requestParameters: Type.Optional(AssumeRoleRequestParametersSchema),
});
export type STSAssumeRoleTokenSpec = Static<typeof STSAssumeRoleTokenSpecSchema>;
