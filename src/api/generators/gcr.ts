/** GCRAccessToken: an OAuth2 access token for Google Container Registry / Artifact Registry logins. */
import { type Static, Type } from "@sinclair/typebox";
import { GCPSMAuthSchema } from "../../api/providers/gcpsm.js";

export const GCRAccessTokenSpecSchema = Type.Object({
  auth: GCPSMAuthSchema,
  projectID: Type.String({
    description:
      "Project to authenticate with; the cluster project of auth.workloadIdentity when clusterProjectID is unset.",
  }),
});
export type GCRAccessTokenSpec = Static<typeof GCRAccessTokenSpecSchema>;
