export { cloudsmithAccessTokenGenerator } from "./generator.js";
