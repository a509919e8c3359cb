export { newStsSessionTokenGenerator, stsSessionTokenGenerator } from "./generator.js";
