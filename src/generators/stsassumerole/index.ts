export { newStsAssumeRoleTokenGenerator, stsAssumeRoleTokenGenerator } from "./generator.js";
