/** meta.k8s.io/v1 Table rendering, so `kubectl get` shows the same columns a real cluster prints. */
import { parseSteps, type Step, selectSteps } from "../util/jsonpath.js";
import type { KObj, PrinterColumn, ResourceType } from "./types.js";

export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (o: KObj) => unknown;
}

/** kube's HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
}

function age(ts: unknown): string {
  if (typeof ts !== "string") return "<unknown>";
  const t = Date.parse(ts);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(Date.now() - t);
}

const nameCol: Column = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace.",
  priority: 0,
  cell: (o) => o.metadata?.name,
};

const ageCol: Column = {
  name: "Age",
  type: "string",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
  priority: 0,
  cell: (o) => age(o.metadata?.creationTimestamp),
};

function col(name: string, cell: (o: KObj) => unknown, type = "string", priority = 0): Column {
  return { name, type, description: name, priority, cell };
}

const count = (m: unknown) => (m && typeof m === "object" ? Object.keys(m).length : 0);

function builtinColumns(rt: ResourceType): Column[] {
  switch (`${rt.group}/${rt.resource}`) {
    case "/namespaces":
      return [nameCol, col("Status", (o) => o.status?.phase ?? ""), ageCol];
    case "/secrets":
      return [nameCol, col("Type", (o) => o.type), col("Data", (o) => count(o.data)), ageCol];
    case "/configmaps":
      // kube declares these counts as string columns while sending numbers in the cells.
      return [nameCol, col("Data", (o) => count(o.data) + count(o.binaryData)), ageCol];
    case "/serviceaccounts":
      return [nameCol, col("Secrets", (o) => (o.secrets ?? []).length, "integer"), ageCol];
    case "/events":
      return [
        col("Last Seen", (o) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp)),
        col("Type", (o) => o.type ?? ""),
        col("Reason", (o) => o.reason ?? ""),
        col("Object", (o) => `${String(o.involvedObject?.kind ?? "").toLowerCase()}/${o.involvedObject?.name ?? ""}`),
        col("Message", (o) => o.message ?? ""),
      ];
    case "coordination.k8s.io/leases":
      return [nameCol, col("Holder", (o) => o.spec?.holderIdentity ?? ""), ageCol];
    case "apiextensions.k8s.io/customresourcedefinitions":
      return [nameCol, col("Created At", (o) => o.metadata?.creationTimestamp ?? "", "date")];
    default:
      return [nameCol, ageCol];
  }
}

/** Kubernetes JSONPath as printer columns use it; filters compare as text, as the column's `"Ready"` literal does. */
const columnRules = { overObjects: false, equals: (a: unknown, b: unknown) => String(a) === String(b) };
const parsedPaths = new Map<string, Step[] | null>();

/** The values `path` selects; none (an empty cell) when kube would find none or could not parse the path. */
function columnValues(obj: KObj, path: string): unknown[] {
  let steps = parsedPaths.get(path);
  if (steps === undefined) {
    const p = path
      .trim()
      .replace(/^\{(.*)\}$/s, "$1")
      .trim();
    try {
      steps = parseSteps(p, p.startsWith("$") ? 1 : 0, path);
    } catch {
      steps = null;
    }
    if (parsedPaths.size >= 500) parsedPaths.clear();
    parsedPaths.set(path, steps);
  }
  return steps ? selectSteps(obj, steps, columnRules) : [];
}

function customColumns(cols: PrinterColumn[]): Column[] {
  if (cols.length === 0) return [nameCol, ageCol];
  return [
    nameCol,
    ...cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format,
      description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
      cell: (o: KObj) => {
        const vals = columnValues(o, c.jsonPath);
        if (vals.length === 0) return null;
        const v = vals[0];
        if (c.type === "date") return age(v);
        if (typeof v === "object") return JSON.stringify(v);
        if (c.type === "string") return String(v);
        return v;
      },
    })),
  ];
}

export function columnsFor(rt: ResourceType, version: string): Column[] {
  return rt.custom ? customColumns(rt.printerColumns?.get(version) ?? []) : builtinColumns(rt);
}

function rowObject(o: KObj, include: string): KObj | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return o;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
}

export function toTable(
  cols: Column[],
  items: KObj[],
  listMeta: KObj,
  includeObject: string,
  withColumns = true,
): KObj {
  const t: KObj = { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: listMeta };
  if (withColumns) {
    t.columnDefinitions = cols.map((c) => {
      const d: KObj = {
        name: c.name,
        type: c.type,
        format: c.format ?? "",
        description: c.description,
        priority: c.priority,
      };
      return d;
    });
  }
  t.rows = items.map((o) => {
    const row: KObj = { cells: cols.map((c) => c.cell(o) ?? null) };
    const obj = rowObject(o, includeObject);
    if (obj) row.object = obj;
    return row;
  });
  return t;
}
