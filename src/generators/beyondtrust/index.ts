/** The BeyondtrustWorkloadCredentialsDynamicSecret generator kind. */
export { beyondtrustWorkloadCredentialsGenerator } from "./generator.js";
