export {
  codeArtifactAuthorizationTokenGenerator,
  newCodeArtifactAuthorizationTokenGenerator,
} from "./generator.js";
