/**
 * The memory a template holds, in bytes, for the executor's memory budget. Element counts alone do not bound
 * memory (60 strings of 4 MB are 60 elements), so strings count by length, byte slices by size, and lists and
 * dicts by their slots plus what they hold. An object reached twice counts once; a string reached twice counts
 * twice (a string cannot be told from an equal copy), which errs on the safe side.
 */

/** Rough per-slot and per-object costs of V8's representation. */
const SLOT = 8;
const OBJECT = 32;
/** Node keeps strings it decodes from Buffers at about this length and above off the V8 heap. */
const EXTERNAL_STRING = 1 << 20;

/**
 * The string, copied onto the V8 heap if it is long enough to be external (base64, hex or latin1 text Node made
 * from a Buffer), so that a pool worker's heap limit counts it.
 */
export function onHeap(s: string): string {
  return s.length < EXTERNAL_STRING ? s : ` ${s}`.slice(1);
}

export interface Walk {
  /** Objects already counted (the walk adds the ones it visits). */
  seen?: WeakSet<object>;
  /** Objects never counted (the input data). */
  excluded?: WeakSet<object>;
  /** Stop once the sum passes this. */
  stopAbove?: number;
}

/** Sums the bytes held by `roots`, leaving out what `walk` says was counted already or is excluded. */
export function heldBytes(roots: Iterable<unknown>, walk: Walk = {}): number {
  const seen = walk.seen ?? new WeakSet<object>();
  const stopAbove = walk.stopAbove ?? Number.POSITIVE_INFINITY;
  let total = 0;
  const stack: unknown[] = [...roots];
  while (stack.length > 0 && total <= stopAbove) {
    const v = stack.pop();
    if (typeof v === "string") {
      total += v.length;
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (seen.has(v) || walk.excluded?.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      total += OBJECT + v.byteLength;
    } else if (Array.isArray(v)) {
      total += OBJECT + SLOT * v.length;
      for (const x of v) stack.push(x);
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        for (const [k, x] of Object.entries(v)) {
          total += SLOT * 2 + k.length;
          stack.push(x);
        }
      }
      total += OBJECT;
    }
  }
  return total;
}

/** The bytes a value holds on its own (no sharing with anything seen before). */
export function valueBytes(v: unknown, stopAbove?: number): number {
  return heldBytes([v], { stopAbove });
}

/** The bytes `result` holds beyond what `inputs` (a call's arguments) and `excluded` already hold. */
export function freshBytes(result: unknown, inputs: unknown[], excluded?: WeakSet<object>): number {
  const seen = new WeakSet<object>();
  heldBytes(inputs, { seen });
  return heldBytes([result], { seen, excluded });
}
