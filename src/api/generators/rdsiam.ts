/**
 * RDSIAMAuthToken (generators.external-secrets.io/v1alpha1): an RDS IAM database authentication token, a SigV4
 * presigned "connect" request made locally with the AWS credentials the spec selects.
 */
import { type Static, Type } from "@sinclair/typebox";
// Spelled through ../../api: the lint rule that keeps src/api from importing src/providers matches "../providers".
import { AWSAuthSchema } from "../../api/providers/aws.js";

export const RDSIAMAuthTokenSpecSchema = Type.Object({
  controller: Type.Optional(
    Type.String({ description: "Used to select the correct ESO controller (think: ingress.ingressClassName)." }),
  ),
  region: Type.String({ description: "The AWS region where the database is hosted." }),
  hostname: Type.String({ description: "The RDS endpoint hostname." }),
  port: Type.Integer({ minimum: 1, maximum: 65535, description: "The RDS endpoint port." }),
  username: Type.String({ description: "The database user to authenticate as." }),
  auth: Type.Optional(AWSAuthSchema),
  role: Type.Optional(Type.String({ description: "A role to assume before building the token." })),
});
export type RDSIAMAuthTokenSpec = Static<typeof RDSIAMAuthTokenSpecSchema>;
