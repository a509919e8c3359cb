/** Sprig's reflection functions and reflect.DeepEqual over the value model. */
import { GoDuration } from "../go-duration.js";
import { GoInt, GoNamedInt } from "../go-ints.js";
import { GoTime } from "../go-time.js";
import { goFunc } from "../signature.js";
import { type FuncMap, goKind, goTypeName, isMap, mapElemType } from "../values.js";

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a !== typeof b) return false;
  if (typeof a !== "object") return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || goTypeName(a) !== goTypeName(b)) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof Uint8Array) {
    return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof GoTime) {
    return b instanceof GoTime && a.unixNano === b.unixNano && a.location.name === b.location.name;
  }
  if (a instanceof GoInt) return b instanceof GoInt && a.type === b.type && a.n === b.n;
  if (a instanceof GoDuration) return b instanceof GoDuration && a.ns === b.ns;
  if (a instanceof GoNamedInt) return b instanceof GoNamedInt && a.type === b.type && a.n === b.n;
  if (isMap(a)) {
    if (!isMap(b) || mapElemType(a) !== mapElemType(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return Object.keys(ra).every((k) => deepEqual(ra[k], rb[k]));
}

export function reflectFuncs(): FuncMap {
  return {
    typeOf: goFunc("func(interface {}) string", goTypeName),
    typeIs: goFunc("func(string, interface {}) bool", (t: string, v: unknown) => t === goTypeName(v)),
    typeIsLike: goFunc("func(string, interface {}) bool", (t: string, v: unknown) => {
      const name = goTypeName(v);
      return t === name || `*${t}` === name;
    }),
    kindOf: goFunc("func(interface {}) string", goKind),
    kindIs: goFunc("func(string, interface {}) bool", (t: string, v: unknown) => t === goKind(v)),
    deepEqual: goFunc("func(interface {}, interface {}) bool", deepEqual),
  };
}
