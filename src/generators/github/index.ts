export { githubAccessTokenGenerator, newGithubAccessTokenGenerator } from "./generator.js";
