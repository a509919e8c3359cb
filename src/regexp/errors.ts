/** A Go regexp that Go's regexp/syntax would reject; the message is Go's ("error parsing regexp: ..."). */
export class RegexpError extends Error {}
