export { ACR_TOKEN_USERNAME, acrAccessTokenGenerator, newAcrAccessTokenGenerator } from "./generator.js";
