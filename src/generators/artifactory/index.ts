export { artifactoryAccessTokenGenerator, newArtifactoryAccessTokenGenerator } from "./generator.js";
