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
  // sizes of finished containers; a container reached again (shared or in a cycle) adds what it had so far
  const memo = new Map<object, number>();
  const childrenOf = (x: object): unknown[] =>
    Array.isArray(x)
      ? x
      : Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null
        ? Object.values(x)
        : [];
  const size = (root: object): number => {
    // an explicit stack, not recursion: nesting depth must not overflow the JS stack
    const stack: { x: object; children: unknown[]; next: number; n: number }[] = [];
    memo.set(root, 1); // a cycle counts once here; printing it is caught by the step and output limits
    stack.push({ x: root, children: childrenOf(root), next: 0, n: 1 });
    let result = 1;
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      if (f.next === f.children.length || f.n > limit) {
        stack.pop();
        memo.set(f.x, f.n);
        result = f.n;
        const parent = stack[stack.length - 1];
        if (parent) parent.n += f.n;
        continue;
      }
      const c = f.children[f.next++];
      if (c === null || typeof c !== "object" || ArrayBuffer.isView(c)) {
        f.n += 1;
        continue;
      }
      const known = memo.get(c);
      if (known !== undefined) {
        f.n += known;
        continue;
      }
      memo.set(c, 1);
      stack.push({ x: c, children: childrenOf(c), next: 0, n: 1 });
    }
    return result;
  };
  return size(v) > limit ? `result of more than ${active.maxValueSize} elements exceeds the template limit` : undefined;
}
