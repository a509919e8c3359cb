/** What `kubectl get externalsecrets` / `clusterexternalsecrets` show: the columns, short names and categories of the bundle. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { repoPath } from "./repo.js";

interface Column {
  name: string;
  type: string;
  jsonPath: string;
}
interface Crd {
  metadata: { name: string };
  spec: {
    names: { shortNames?: string[]; categories?: string[] };
    versions: { name: string; additionalPrinterColumns?: Column[] }[];
  };
}

const bundle = parseAllDocuments(readFileSync(repoPath("deploy", "crds", "bundle.yaml"), "utf8"))
  .map((d) => d.toJS() as Crd | null)
  .filter((c): c is Crd => !!c);

function crd(name: string): Crd {
  const found = bundle.find((c) => c.metadata.name === name);
  assert.ok(found, `${name} in deploy/crds/bundle.yaml`);
  return found;
}

const columns = (c: Crd, version: string) =>
  (c.spec.versions.find((v) => v.name === version)?.additionalPrinterColumns ?? []).map((x) => [
    x.name,
    x.type,
    x.jsonPath,
  ]);

const READY_STATUS = '.status.conditions[?(@.type=="Ready")].status';
const READY_REASON = '.status.conditions[?(@.type=="Ready")].reason';

describe("ExternalSecret printer columns (as upstream)", () => {
  const es = crd("externalsecrets.external-secrets.io");

  it("lists StoreType, Store, Refresh Interval, Status, Ready and Last Sync (status.refreshTime)", () => {
    assert.deepEqual(columns(es, "v1"), [
      ["StoreType", "string", ".spec.secretStoreRef.kind"],
      ["Store", "string", ".spec.secretStoreRef.name"],
      ["Refresh Interval", "string", ".spec.refreshInterval"],
      ["Status", "string", READY_REASON],
      ["Ready", "string", READY_STATUS],
      ["Last Sync", "date", ".status.refreshTime"],
    ]);
  });

  it("has short name es and category external-secrets", () => {
    assert.deepEqual(es.spec.names.shortNames, ["es"]);
    assert.deepEqual(es.spec.names.categories, ["external-secrets"]);
  });
});

describe("ClusterExternalSecret printer columns (as upstream)", () => {
  const ces = crd("clusterexternalsecrets.external-secrets.io");

  it("lists Store, Refresh Interval and Ready", () => {
    assert.deepEqual(columns(ces, "v1"), [
      ["Store", "string", ".spec.externalSecretSpec.secretStoreRef.name"],
      ["Refresh Interval", "string", ".spec.refreshTime"],
      ["Ready", "string", READY_STATUS],
    ]);
  });

  it("has short name ces and category external-secrets", () => {
    assert.deepEqual(ces.spec.names.shortNames, ["ces"]);
    assert.deepEqual(ces.spec.names.categories, ["external-secrets"]);
  });
});
