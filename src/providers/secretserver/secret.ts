/**
 * Secret Server secrets as upstream's SDK models them: the REST answer (camelCase) read case-insensitively, as
 * Go's encoding/json does, and rendered back in the SDK struct's field order and names.
 */

export interface SsField {
  ItemID: number;
  FieldID: number;
  FileAttachmentID: number;
  FieldName: string;
  Slug: string;
  FieldDescription: string;
  Filename: string;
  ItemValue: string;
  IsFile: boolean;
  IsNotes: boolean;
  IsPassword: boolean;
}

export interface SsSecret {
  Name: string;
  FolderID: number;
  ID: number;
  SiteID: number;
  SecretTemplateID: number;
  SecretPolicyID: number;
  PasswordTypeWebScriptID: number;
  LauncherConnectAsSecretID: number;
  CheckOutIntervalMinutes: number;
  Active: boolean;
  CheckedOut: boolean;
  CheckOutEnabled: boolean;
  AutoChangeEnabled: boolean;
  CheckOutChangePasswordEnabled: boolean;
  DelayIndexing: boolean;
  EnableInheritPermissions: boolean;
  EnableInheritSecretPolicy: boolean;
  ProxyEnabled: boolean;
  RequiresComment: boolean;
  SessionRecordingEnabled: boolean;
  WebLauncherRequiresIncognitoMode: boolean;
  /** Undefined when the answer had no items (upstream then returns no value). */
  Items?: SsField[];
}

type Raw = Record<string, unknown>;

function lower(obj: unknown): Map<string, unknown> {
  const m = new Map<string, unknown>();
  if (obj && typeof obj === "object" && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Raw)) m.set(k.toLowerCase(), v);
  }
  return m;
}

const int = (m: Map<string, unknown>, k: string) => {
  const v = m.get(k.toLowerCase());
  return typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0;
};
const str = (m: Map<string, unknown>, k: string) => {
  const v = m.get(k.toLowerCase());
  return typeof v === "string" ? v : "";
};
const bool = (m: Map<string, unknown>, k: string) => m.get(k.toLowerCase()) === true;

const SECRET_INTS = [
  "FolderID",
  "ID",
  "SiteID",
  "SecretTemplateID",
  "SecretPolicyID",
  "PasswordTypeWebScriptID",
  "LauncherConnectAsSecretID",
  "CheckOutIntervalMinutes",
] as const;
const SECRET_BOOLS = [
  "Active",
  "CheckedOut",
  "CheckOutEnabled",
  "AutoChangeEnabled",
  "CheckOutChangePasswordEnabled",
  "DelayIndexing",
  "EnableInheritPermissions",
  "EnableInheritSecretPolicy",
  "ProxyEnabled",
  "RequiresComment",
  "SessionRecordingEnabled",
  "WebLauncherRequiresIncognitoMode",
] as const;

export function parseField(raw: unknown): SsField {
  const m = lower(raw);
  return {
    ItemID: int(m, "ItemID"),
    FieldID: int(m, "FieldID"),
    FileAttachmentID: int(m, "FileAttachmentID"),
    FieldName: str(m, "FieldName"),
    Slug: str(m, "Slug"),
    FieldDescription: str(m, "FieldDescription"),
    Filename: str(m, "Filename"),
    ItemValue: str(m, "ItemValue"),
    IsFile: bool(m, "IsFile"),
    IsNotes: bool(m, "IsNotes"),
    IsPassword: bool(m, "IsPassword"),
  };
}

export function parseSecret(raw: unknown): SsSecret {
  const m = lower(raw);
  const s = { Name: str(m, "Name") } as SsSecret;
  for (const k of SECRET_INTS) s[k] = int(m, k);
  for (const k of SECRET_BOOLS) s[k] = bool(m, k);
  const items = m.get("items");
  if (Array.isArray(items)) s.Items = items.map(parseField);
  return s;
}

/** The secret as upstream's json.Marshal(secret) writes it: struct order, zero policy ids omitted. */
export function renderSecret(s: SsSecret): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Name: s.Name,
    FolderID: s.FolderID,
    ID: s.ID,
    SiteID: s.SiteID,
    SecretTemplateID: s.SecretTemplateID,
  };
  if (s.SecretPolicyID) out.SecretPolicyID = s.SecretPolicyID;
  if (s.PasswordTypeWebScriptID) out.PasswordTypeWebScriptID = s.PasswordTypeWebScriptID;
  out.LauncherConnectAsSecretID = s.LauncherConnectAsSecretID;
  out.CheckOutIntervalMinutes = s.CheckOutIntervalMinutes;
  for (const k of SECRET_BOOLS) out[k] = s[k];
  out.Items = s.Items ? s.Items.map((f) => ({ ...f })) : null;
  return out;
}

export interface SsTemplateField {
  id: number;
  name: string;
  slug: string;
  isFile: boolean;
}

export interface SsTemplate {
  id: number;
  fields: SsTemplateField[];
}

export function parseTemplate(raw: unknown): SsTemplate {
  const m = lower(raw);
  const fields = m.get("fields");
  return {
    id: int(m, "id"),
    fields: (Array.isArray(fields) ? fields : []).map((f) => {
      const fm = lower(f);
      return {
        id: int(fm, "SecretTemplateFieldID"),
        name: str(fm, "Name"),
        slug: str(fm, "FieldSlugName"),
        isFile: bool(fm, "IsFile"),
      };
    }),
  };
}
