/** Where a Secret Server client gets its bearer token. */
export interface TokenSource {
  token(): Promise<string>;
  /** The server answered 401 to `token`: forget it (a static token stays, and the call fails). */
  drop(token: string): boolean;
}
