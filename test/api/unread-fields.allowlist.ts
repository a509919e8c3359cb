/**
 * Fields our CRDs accept that no code outside src/api/ reads (test/api/unread-fields.test.ts), each with why.
 * Keys are `<Kind> <path>` in the canonical form of field-readers.ts's `canonical` (ClusterSecretStore answers
 * as SecretStore, ClusterExternalSecret's externalSecretSpec as ExternalSecret, ClusterPushSecret's
 * pushSecretSpec as PushSecret, ClusterGenerator's <kind>Spec as that generator); a key ending in `.*` covers
 * the subtree. `owner` names the issue-20 helper expected to make the field work and remove the entry: the
 * test fails on an entry whose fields have become read, so a finished field cannot stay listed.
 */
export interface UnreadField {
  field: string;
  reason: string;
  owner?: string;
}

export const unreadFields: UnreadField[] = [
  {
    field: "ExternalSecret spec.target.template.engineVersion",
    reason:
      "informational upstream too: the only accepted value is v2 (the enum has one member) and every template runs on that engine",
  },
  {
    field: "PushSecret spec.template.engineVersion",
    reason:
      "informational upstream too: the only accepted value is v2 (the enum has one member) and every template runs on that engine",
  },
  {
    field: "ExternalSecret spec.target.immediate",
    reason:
      "not upstream's and a no-op by design: seed 004 (examples/seeds/004-eso-vault-aws-hardening.yaml) writes it, so it stays accepted and those manifests apply; store notifications re-sync every reader of the notified key without it, and the field's description says so",
  },
  {
    field: "RDSIAMAuthToken spec.controller",
    reason:
      "in upstream's schema, unread by upstream's generator too: a generator runs for whichever controller reconciles the ExternalSecret that references it, so there is no controller class to select",
  },
];

export function allowListed(key: string): UnreadField | undefined {
  return unreadFields.find((e) => (e.field.endsWith(".*") ? key.startsWith(e.field.slice(0, -1)) : key === e.field));
}
