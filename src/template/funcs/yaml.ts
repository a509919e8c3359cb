/**
 * ESO's toYaml/fromYaml, which go through sigs.k8s.io/yaml v1.4.0 and its go-yaml v2 fork:
 *  - toYaml(v): json.Marshal(v), go-yaml reads the JSON back (yaml-from-json.ts, or go-yaml's full reading where
 *    that differs), go-yaml writes it out (yaml-encode.ts, yaml-emitter.ts); "" when a step fails; the final line
 *    break trimmed.
 *  - fromYaml(s): go-yaml reads the first document (yaml-reader.ts → yaml-scanner.ts → yaml-parser.ts →
 *    yaml-compose.ts → yaml-decode.ts), sigs.k8s.io/yaml turns it into JSON and back (yaml-json.ts); a failure
 *    lands in the map under "Error", with go-yaml's wording.
 */
import { checkStringLength } from "../budget.js";
import { type GoMap, isMap } from "../values.js";
import { goStringToBytes } from "./bytes.js";
import { goJsonMarshal } from "./json.js";
import { decodeYaml } from "./yaml-decode.js";
import { marshalYaml } from "./yaml-encode.js";
import { GoYamlError } from "./yaml-errors.js";
import { jsonAsYaml } from "./yaml-from-json.js";
import { JsonDecodeError, YamlToJsonError, yamlToJsonValue } from "./yaml-json.js";

/** ESO toYaml: empty string on marshal errors, trailing newline trimmed. */
export function toYaml(v: unknown): string {
  let json: string;
  try {
    json = goJsonMarshal(v);
  } catch {
    return "";
  }
  let text: string;
  try {
    text = marshalYaml(jsonAsYaml(json) ?? decodeYaml(Buffer.from(json, "utf8"), false));
  } catch (e) {
    if (e instanceof GoYamlError) return "";
    throw e;
  }
  checkStringLength(text.length);
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  return "bool";
}

/** ESO fromYaml: a map; errors land in m["Error"]. */
export function fromYaml(s: string): GoMap {
  let value: unknown;
  try {
    value = yamlToJsonValue(decodeYaml(goStringToBytes(s), true));
  } catch (e) {
    if (e instanceof GoYamlError || e instanceof YamlToJsonError) {
      return { Error: `error converting YAML to JSON: ${e.message}` };
    }
    if (e instanceof JsonDecodeError) return { Error: `error unmarshaling JSON: while decoding JSON: ${e.message}` };
    throw e;
  }
  if (value === null) return {};
  if (!isMap(value)) {
    return {
      Error: `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(value)} into Go value of type map[string]interface {}`,
    };
  }
  return value;
}
