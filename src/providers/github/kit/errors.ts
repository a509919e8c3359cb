/** What the GitHub App kit throws; its callers map it to their own error classes (generator, provider). */
export class GithubAppError extends Error {
  override readonly name = "GithubAppError";
  /** The HTTP status GitHub answered with; 0 when there was no answer or the key was unusable. */
  constructor(
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}
