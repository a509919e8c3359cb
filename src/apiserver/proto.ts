/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl's typed
 * clients send for `kubectl create secret|configmap|namespace|serviceaccount|token`. Covers only those kinds.
 */
import { badRequest } from "./errors.js";
import type { KObj } from "./types.js";

type Scalar = "string" | "bytes" | "int" | "bool" | "time";
type Kind = Scalar | Desc | { map: "string" | "bytes" };
interface Field {
  name: string;
  kind: Kind;
  repeated?: boolean;
}
type Desc = Record<number, Field>;

const f = (name: string, kind: Kind, repeated = false): Field => ({ name, kind, repeated });

const ownerReference: Desc = {
  1: f("kind", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("controller", "bool"),
  7: f("blockOwnerDeletion", "bool"),
};

const objectMeta: Desc = {
  1: f("name", "string"),
  2: f("generateName", "string"),
  3: f("namespace", "string"),
  5: f("uid", "string"),
  6: f("resourceVersion", "string"),
  7: f("generation", "int"),
  8: f("creationTimestamp", "time"),
  9: f("deletionTimestamp", "time"),
  10: f("deletionGracePeriodSeconds", "int"),
  11: f("labels", { map: "string" }),
  12: f("annotations", { map: "string" }),
  13: f("ownerReferences", ownerReference, true),
  14: f("finalizers", "string", true),
};

const objectReference: Desc = {
  1: f("kind", "string"),
  2: f("namespace", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("resourceVersion", "string"),
  7: f("fieldPath", "string"),
};

const kinds: Record<string, Desc> = {
  Secret: {
    1: f("metadata", objectMeta),
    2: f("data", { map: "bytes" }),
    3: f("type", "string"),
    4: f("stringData", { map: "string" }),
    5: f("immutable", "bool"),
  },
  ConfigMap: {
    1: f("metadata", objectMeta),
    2: f("data", { map: "string" }),
    3: f("binaryData", { map: "bytes" }),
    4: f("immutable", "bool"),
  },
  Namespace: {
    1: f("metadata", objectMeta),
    2: f("spec", { 1: f("finalizers", "string", true) }),
    3: f("status", { 1: f("phase", "string") }),
  },
  ServiceAccount: {
    1: f("metadata", objectMeta),
    2: f("secrets", objectReference, true),
    3: f("imagePullSecrets", { 1: f("name", "string") }, true),
    4: f("automountServiceAccountToken", "bool"),
  },
  TokenRequest: {
    1: f("metadata", objectMeta),
    2: f("spec", {
      1: f("audiences", "string", true),
      3: f("boundObjectRef", {
        1: f("kind", "string"),
        2: f("apiVersion", "string"),
        3: f("name", "string"),
        4: f("uid", "string"),
      }),
      4: f("expirationSeconds", "int"),
    }),
  },
  DeleteOptions: {
    1: f("gracePeriodSeconds", "int"),
    2: f("preconditions", { 1: f("uid", "string"), 2: f("resourceVersion", "string") }),
    3: f("orphanDependents", "bool"),
    4: f("propagationPolicy", "string"),
    5: f("dryRun", "string", true),
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest("truncated protobuf varint");
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw badRequest("truncated protobuf field");
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`unsupported protobuf wire type ${wire}`);
  }
}

function decodeTime(buf: Buffer): string {
  const m = decodeMessage(buf, { 1: f("seconds", "int"), 2: f("nanos", "int") });
  return new Date(Number(m.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function decodeMapEntry(buf: Buffer, valueKind: "string" | "bytes"): [string, string] {
  const r = new Reader(buf);
  let key = "";
  let value = "";
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const no = tag >> 3;
    if ((tag & 7) !== 2) {
      r.skip(tag & 7);
      continue;
    }
    const b = r.bytes();
    if (no === 1) key = b.toString("utf8");
    else if (no === 2) value = valueKind === "bytes" ? b.toString("base64") : b.toString("utf8");
  }
  return [key, value];
}

function decodeMessage(buf: Buffer, desc: Desc): KObj {
  const out: KObj = {};
  const r = new Reader(buf);
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const field = desc[tag >> 3];
    const wire = tag & 7;
    if (!field) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    const k = field.kind;
    if (k === "int") value = Number(BigInt.asIntN(64, r.varint()));
    else if (k === "bool") value = r.varint() !== 0n;
    else if (k === "string") value = r.bytes().toString("utf8");
    else if (k === "bytes") value = r.bytes().toString("base64");
    else if (k === "time") value = decodeTime(r.bytes());
    else if ("map" in k && typeof k.map === "string") {
      const [key, v] = decodeMapEntry(r.bytes(), k.map);
      out[field.name] = { ...(out[field.name] ?? {}), [key]: v };
      continue;
    } else value = decodeMessage(r.bytes(), k as Desc);
    if (field.repeated) (out[field.name] ??= []).push(value);
    else if (value === "" && k === "string") continue;
    else out[field.name] = value;
  }
  return out;
}

/** Decodes a `k8s\0`-prefixed runtime.Unknown envelope into the JSON form of the object it carries. */
export function decodeProtobuf(body: Buffer): KObj {
  if (body.length < 4 || body.subarray(0, 4).toString("latin1") !== "k8s\0") {
    throw badRequest("protobuf body is missing the k8s envelope prefix");
  }
  const env = decodeMessage(body.subarray(4), {
    1: f("typeMeta", { 1: f("apiVersion", "string"), 2: f("kind", "string") }),
    2: f("raw", "bytes"),
  });
  const kind = env.typeMeta?.kind ?? "";
  const desc = kinds[kind];
  if (!desc)
    throw badRequest(`protobuf bodies of kind ${kind || "(none)"} are not supported by this server; send JSON`);
  const obj = decodeMessage(Buffer.from(env.raw ?? "", "base64"), desc);
  if (kind !== "DeleteOptions") {
    obj.apiVersion = env.typeMeta.apiVersion;
    obj.kind = kind;
  }
  return obj;
}
