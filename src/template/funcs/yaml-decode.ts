/**
 * go-yaml v2's decoder into an interface{} (decode.go): the first document's nodes → Go values, with merge keys
 * ("<<", applied in place and in order, as v2 does), aliases (copied, with v2's check against excessive aliasing
 * and self-reference), !!binary, timestamps left as strings, and "invalid map key" for sequence and mapping keys.
 */
import { checkElementCount } from "../budget.js";
import { bytesToGoString } from "./bytes.js";
import { goBase64Decode } from "./encoding.js";
import { composeFirstDocument, NodeKind, type YamlNode } from "./yaml-compose.js";
import { runDeep } from "./yaml-deep.js";
import { failf } from "./yaml-errors.js";
import { resolve, TAG } from "./yaml-resolve.js";
import { goSyntax, YamlMap, type YamlValue } from "./yaml-values.js";

/**
 * yaml.Unmarshal(in, &v) with v an interface{}: throws GoYamlError with go-yaml's message. `bounded`: hold what
 * aliases copy to the template's element limit (text a template reads; toYaml's own JSON needs no bound).
 */
export function decodeYaml(input: Uint8Array, bounded: boolean): YamlValue {
  const root = composeFirstDocument(input.length === 0 ? Uint8Array.of(0x0a) : input);
  return root ? new Decoder(bounded).decode(root) : null;
}

const ALIAS_RATIO_LOW = 400_000;
const ALIAS_RATIO_HIGH = 4_000_000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_HIGH) return 0.1;
  return 0.99 - (0.89 * (decodeCount - ALIAS_RATIO_LOW)) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW);
}

function isMerge(n: YamlNode): boolean {
  return n.kind === NodeKind.Scalar && n.value === "<<" && (n.implicit || n.tag === TAG.merge);
}

interface Visit {
  node: YamlNode;
  /** The map a merged mapping is decoded into. */
  into?: YamlMap;
}

class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly aliases = new Set<YamlNode>();

  constructor(private readonly bounded: boolean) {}

  decode(root: YamlNode): YamlValue {
    return runDeep((v: Visit) => this.unmarshal(v), { node: root });
  }

  private *unmarshal({ node: n, into }: Visit): Generator<Visit, YamlValue, YamlValue> {
    this.count();
    switch (n.kind) {
      case NodeKind.Document:
        return n.children.length === 1 ? yield { node: n.children[0]! } : null;
      case NodeKind.Alias: {
        if (this.aliases.has(n)) failf(`anchor '${n.value}' value contains itself`);
        this.aliases.add(n);
        this.aliasDepth++;
        const v = yield { node: n.alias!, into };
        this.aliasDepth--;
        this.aliases.delete(n);
        return v;
      }
      case NodeKind.Scalar:
        return this.scalar(n);
      case NodeKind.Mapping:
        return yield* this.mapping(n, into ?? new YamlMap());
      default: {
        const out: YamlValue[] = [];
        for (const c of n.children) out.push(c.kind === NodeKind.Scalar ? this.leaf(c) : yield { node: c });
        return out;
      }
    }
  }

  /** A scalar child, decoded in place rather than through the explicit stack (most nodes are scalars). */
  private leaf(n: YamlNode): YamlValue {
    this.count();
    return this.scalar(n);
  }

  /** go-yaml's accounting of decoded nodes, and its stop for documents that are mostly alias expansions. */
  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      failf("document contains excessive aliasing");
    }
    // go-yaml builds every copy an alias makes; the template's element limit bounds what we build
    if (this.bounded) checkElementCount(this.decodeCount);
  }

  private scalar(n: YamlNode): YamlValue {
    if (n.tag === "" && !n.implicit) return n.value;
    const [tag, resolved] = resolve(n.tag, n.value);
    if (tag === TAG.binary) {
      try {
        return bytesToGoString(goBase64Decode(resolved as string));
      } catch {
        failf("!!binary value contains invalid base64 data");
      }
    }
    // timestamps stay strings when decoded into an interface{}
    return tag === TAG.timestamp ? n.value : resolved;
  }

  private *mapping(n: YamlNode, out: YamlMap): Generator<Visit, YamlMap, YamlValue> {
    for (let i = 0; i < n.children.length; i += 2) {
      const key = n.children[i]!;
      const value = n.children[i + 1]!;
      if (isMerge(key)) {
        yield* this.merge(value, out);
        continue;
      }
      const k = key.kind === NodeKind.Scalar ? this.leaf(key) : yield { node: key };
      if (Array.isArray(k) || k instanceof YamlMap) failf(`invalid map key: ${goSyntax(k)}`);
      out.set(k, value.kind === NodeKind.Scalar ? this.leaf(value) : yield { node: value });
    }
    return out;
  }

  private *merge(n: YamlNode, out: YamlMap): Generator<Visit, void, YamlValue> {
    const wantMap = () => failf("map merge requires map or sequence of maps as the value");
    switch (n.kind) {
      case NodeKind.Mapping:
        yield { node: n, into: out };
        return;
      case NodeKind.Alias:
        if (n.alias && n.alias.kind !== NodeKind.Mapping) wantMap();
        yield { node: n, into: out };
        return;
      case NodeKind.Sequence:
        for (let i = n.children.length - 1; i >= 0; i--) {
          const c = n.children[i]!;
          if (c.kind === NodeKind.Alias) {
            if (c.alias && c.alias.kind !== NodeKind.Mapping) wantMap();
          } else if (c.kind !== NodeKind.Mapping) {
            wantMap();
          }
          yield { node: c, into: out };
        }
        return;
      default:
        wantMap();
    }
  }
}
