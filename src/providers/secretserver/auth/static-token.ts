/** `token`: a pre-issued access token, sent as it is. */
import type { TokenSource } from "./token-source.js";

export function staticToken(token: string): TokenSource {
  return { token: async () => token, drop: () => false };
}
