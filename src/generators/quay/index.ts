export { QUAY_CA_BUNDLE_ENV, quayAccessTokenGenerator } from "./generator.js";
