export { rfc3339Seconds, serviceAccountTokenGenerator } from "./generator.js";
