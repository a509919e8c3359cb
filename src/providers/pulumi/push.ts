/**
 * PushSecret into an ESC environment, as upstream: the value is written at the dotted remoteKey under `values`
 * of the raw definition (imports, other values and fn:: expressions are left untouched), wrapped in fn::secret
 * unless the metadata says `secret: false`.
 */
import { isMap, parseDocument } from "yaml";
import { StoreConfigError } from "../errors.js";

export interface PulumiPushMetadata {
  secret?: boolean;
}

export function parsePulumiPushMetadata(raw: unknown): PulumiPushMetadata {
  if (raw === undefined || raw === null) return {};
  const m = raw as { kind?: unknown; spec?: { secret?: unknown } };
  if (typeof m !== "object" || (m.kind !== undefined && m.kind !== "PushSecretMetadata")) {
    throw new StoreConfigError("pulumi: failed to parse metadata: expected kind PushSecretMetadata");
  }
  const secret = m.spec?.secret;
  if (secret !== undefined && typeof secret !== "boolean") {
    throw new StoreConfigError("pulumi: failed to parse metadata: spec.secret must be a boolean");
  }
  return { secret };
}

/** The definition with `value` set at values.<remoteKey>; throws when a parent on the path is not a map. */
export function setDefinitionValue(definitionYaml: string, remoteKey: string, value: string, secret: boolean): string {
  const doc = parseDocument(definitionYaml.trim() ? definitionYaml : "{}");
  if (doc.errors.length) throw new StoreConfigError("pulumi: the environment definition is not valid YAML");
  if (!isMap(doc.contents)) throw new StoreConfigError("pulumi: the environment definition is not a YAML map");
  const path = ["values", ...remoteKey.split(".")];
  for (let i = 1; i < path.length; i++) {
    const parent = doc.getIn(path.slice(0, i), true);
    if (parent === undefined || parent === null) break;
    if (!isMap(parent)) {
      throw new StoreConfigError(
        `pulumi: cannot push to "${remoteKey}": "${path.slice(1, i).join(".") || "values"}" is not a map`,
      );
    }
  }
  doc.setIn(path, secret ? doc.createNode({ "fn::secret": value }) : value);
  return doc.toString();
}
