/** Sprig's default, emptiness, JSON and ternary functions. */
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";
import { goJsonMarshal, goJsonUnmarshal, JsonError } from "./json.js";
import { isEmpty } from "./lists.js";

function swallow<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JsonError) return fallback;
    throw e;
  }
}

export function defaultsFuncs(): FuncMap {
  const toJson = (v: unknown) => goJsonMarshal(v);
  const toPrettyJson = (v: unknown) => goJsonMarshal(v, true, "  ");
  const toRawJson = (v: unknown) => goJsonMarshal(v, false, "", 1);
  return {
    default: goFunc("func(interface {}, ...interface {}) interface {}", (d: unknown, ...given: unknown[]) =>
      given.length === 0 || isEmpty(given[0]) ? d : given[0],
    ),
    empty: goFunc("func(interface {}) bool", isEmpty),
    coalesce: goFunc("func(...interface {}) interface {}", (...vs: unknown[]) => {
      for (const v of vs) if (!isEmpty(v)) return v;
      return null;
    }),
    all: goFunc("func(...interface {}) bool", (...vs: unknown[]) => vs.every((v) => !isEmpty(v))),
    any: goFunc("func(...interface {}) bool", (...vs: unknown[]) => vs.some((v) => !isEmpty(v))),
    ternary: goFunc("func(interface {}, interface {}, bool) interface {}", (a: unknown, b: unknown, c: boolean) =>
      c ? a : b,
    ),
    fromJson: goFunc("func(string) interface {}", (s: string) => swallow(() => goJsonUnmarshal(s), null)),
    mustFromJson: goFunc("func(string) (interface {}, error)", goJsonUnmarshal),
    toJson: goFunc("func(interface {}) string", (v: unknown) => swallow(() => toJson(v), "")),
    mustToJson: goFunc("func(interface {}) (string, error)", toJson),
    toPrettyJson: goFunc("func(interface {}) string", (v: unknown) => swallow(() => toPrettyJson(v), "")),
    mustToPrettyJson: goFunc("func(interface {}) (string, error)", toPrettyJson),
    // Sprig's toRawJson panics with mustToRawJson's error instead of returning ""
    toRawJson: goFunc("func(interface {}) string", (v: unknown) => toRawJson(v)),
    mustToRawJson: goFunc("func(interface {}) (string, error)", toRawJson),
  };
}
