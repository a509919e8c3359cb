/**
 * Size bounds for values that template functions build (a template is user input: `until 1e9`, `randAlpha 1e9`
 * or doubling a string in a loop must fail fast instead of exhausting the operator's memory). The executor sets
 * the bounds of the running execution; functions called outside an execution use the defaults.
 */
export interface SizeLimits {
  /** Longest string a function may return, in UTF-16 code units (the output limit). */
  maxOutputBytes: number;
  /** Most elements, counted with repeats through nested lists and dicts, a function may return. */
  maxValueSize: number;
}

export const DEFAULT_SIZE_LIMITS: SizeLimits = { maxOutputBytes: 4 * 1024 * 1024, maxValueSize: 1_000_000 };

let active: SizeLimits = DEFAULT_SIZE_LIMITS;

/** Run `fn` with `limits` as the active bounds (executions may nest, e.g. a function rendering a template). */
export function withSizeLimits<T>(limits: SizeLimits, fn: () => T): T {
  const saved = active;
  active = limits;
  try {
    return fn();
  } finally {
    active = saved;
  }
}

/** Throws before a function builds a string of `length` code units beyond the limit. */
export function checkStringLength(length: number): void {
  if (length > active.maxOutputBytes) {
    throw new Error(`result of ${length} bytes exceeds the template limit of ${active.maxOutputBytes} bytes`);
  }
}

/** Throws before a function builds a list of `count` elements beyond the limit. */
export function checkElementCount(count: number): void {
  if (count > active.maxValueSize) {
    throw new Error(`result of ${count} elements exceeds the template limit of ${active.maxValueSize} elements`);
  }
}

/**
 * Checks a function's result: strings by length, lists and dicts by their element count with shared parts counted
 * each time they appear (what serializing the value would cost). Returns an error message or undefined.
 */
export function oversized(v: unknown): string | undefined {
  if (typeof v === "string") {
    return v.length > active.maxOutputBytes
      ? `result of ${v.length} bytes exceeds the template limit of ${active.maxOutputBytes} bytes`
      : undefined;
  }
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return undefined;
  const limit = active.maxValueSize + 1; // the root container counts itself
  const memo = new Map<object, number>();
  const size = (x: unknown): number => {
    if (x === null || typeof x !== "object" || ArrayBuffer.isView(x)) return 1;
    const known = memo.get(x);
    if (known !== undefined) return known;
    memo.set(x, 1); // a cycle counts once here; printing it is caught by the step and output limits
    let n = 1;
    const children = Array.isArray(x)
      ? x
      : Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null
        ? Object.values(x)
        : [];
    for (const c of children) {
      n += size(c);
      if (n > limit) break;
    }
    memo.set(x, n);
    return n;
  };
  return size(v) > limit ? `result of more than ${active.maxValueSize} elements exceeds the template limit` : undefined;
}
