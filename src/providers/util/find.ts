/**
 * dataFrom.find matching shared by providers: name by Go regexp (matched anywhere, as regexp.MatchString),
 * tags as an exact subset of the remote secret's tags/labels, and path as a name prefix.
 */
import type { FindRef } from "../provider.js";
import { compileGoRegexp } from "./go-regexp.js";

export interface FindMatcher {
  matchName(name: string): boolean;
  matchTags(tags: Record<string, string> | undefined): boolean;
  matchPath(name: string): boolean;
  /** All configured criteria at once. */
  matches(name: string, tags?: Record<string, string>): boolean;
}

/** Throws GoRegexpError for an invalid name.regexp, before any remote call is made. */
export function newFindMatcher(find: FindRef): FindMatcher {
  const nameRe = find.name?.regexp !== undefined ? compileGoRegexp(find.name.regexp) : undefined;
  const matcher: FindMatcher = {
    matchName: (name) => {
      if (!nameRe) return true;
      return nameRe.matches(name);
    },
    matchTags: (tags) => matchTags(find.tags, tags),
    matchPath: (name) => !find.path || name.startsWith(find.path),
    matches: (name, tags) => matcher.matchPath(name) && matcher.matchName(name) && matcher.matchTags(tags),
  };
  return matcher;
}

/** Every wanted tag must be present with the same value. No wanted tags matches everything. */
export function matchTags(
  wanted: Record<string, string> | undefined,
  actual: Record<string, string> | undefined,
): boolean {
  if (!wanted) return true;
  for (const [k, v] of Object.entries(wanted)) {
    if (actual?.[k] !== v) return false;
  }
  return true;
}
