export { GCR_USERNAME, gcrAccessTokenGenerator, newGcrAccessTokenGenerator } from "./generator.js";
