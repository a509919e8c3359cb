export { gitlabDeployTokenGenerator, newGitlabDeployTokenGenerator } from "./generator.js";
export { deployTokensUrl } from "./transport.js";
