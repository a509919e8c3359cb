/** The target Secret as the sync reads and writes it (data base64-encoded, as the API serves it). */
import type { OwnerReference } from "../../../api/meta.js";

export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    [k: string]: unknown;
  };
  type?: string;
  immutable?: boolean;
  data?: Record<string, string>;
  [k: string]: unknown;
}
