export { newRdsIamAuthTokenGenerator, rdsIamAuthTokenGenerator } from "./generator.js";
