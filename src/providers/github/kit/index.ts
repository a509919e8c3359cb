/** The GitHub App kit: the App JWT and the installation token, shared by the github provider and generator. */
export { JWT_BACKDATE_SECONDS, JWT_LIFETIME_SECONDS, parseAppPrivateKey, signAppJwt } from "./app-jwt.js";
export { GithubAppError } from "./errors.js";
export {
  createInstallationToken,
  DEFAULT_GITHUB_API,
  GITHUB_USER_AGENT,
  githubServiceMessage,
  type InstallationToken,
  type InstallationTokenRequest,
} from "./installation-token.js";
