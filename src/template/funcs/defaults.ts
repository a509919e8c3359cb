/** Sprig's default, emptiness, JSON and ternary functions. */
import type { FuncMap } from "../values.js";
import { goJsonMarshal, goJsonUnmarshal, JsonError } from "./json.js";
import { isEmpty } from "./lists.js";
import { argBool, argStr } from "./util.js";

function swallow<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JsonError) return fallback;
    throw e;
  }
}

export function defaultsFuncs(): FuncMap {
  return {
    default: (d, ...given) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]),
    empty: (v) => isEmpty(v),
    coalesce: (...vs) => {
      for (const v of vs) if (!isEmpty(v)) return v;
      return null;
    },
    all: (...vs) => vs.every((v) => !isEmpty(v)),
    any: (...vs) => vs.some((v) => !isEmpty(v)),
    ternary: (a, b, c) => (argBool(c) ? a : b),
    fromJson: (s) => swallow(() => goJsonUnmarshal(argStr(s)), null),
    mustFromJson: (s) => goJsonUnmarshal(argStr(s)),
    toJson: (v) => swallow(() => goJsonMarshal(v), ""),
    mustToJson: (v) => goJsonMarshal(v),
    toPrettyJson: (v) => swallow(() => goJsonMarshal(v, true, "  "), ""),
    mustToPrettyJson: (v) => goJsonMarshal(v, true, "  "),
    toRawJson: (v) => swallow(() => goJsonMarshal(v, false), ""),
    mustToRawJson: (v) => goJsonMarshal(v, false),
  };
}
