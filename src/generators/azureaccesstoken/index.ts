export { azureAccessTokenGenerator } from "./generator.js";
