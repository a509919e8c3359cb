/**
 * A remote key split as Password Safe expects it: `<system><sep><account>` for a managed account, and
 * `<folder path><sep><title>` for a Secrets Safe secret. Leading and trailing separators and spaces are dropped,
 * and the lengths Password Safe accepts are enforced, as upstream's client library does.
 */
import { StoreConfigError } from "../errors.js";

export const INVALID_PATH = "invalid retrieval path. Provide one path, separator and name";

const MAX_SYSTEM = 129;
const MAX_ACCOUNT = 246;
const MAX_FOLDER_PATH = 1792;
const MAX_TITLE = 256;

function trimSeparators(key: string, sep: string): string {
  let k = key.trim();
  while (sep && k.startsWith(sep)) k = k.slice(sep.length);
  while (sep && k.endsWith(sep)) k = k.slice(0, -sep.length);
  return k.trim();
}

function invalid(key: string, why = INVALID_PATH): never {
  throw new StoreConfigError(`beyondtrust: key "${key}": ${why}`);
}

export function managedAccountPath(key: string, sep: string): { system: string; account: string } {
  const k = trimSeparators(key, sep);
  const at = k.indexOf(sep);
  if (at <= 0 || at === k.length - sep.length) invalid(key);
  const system = k.slice(0, at).trim();
  const account = k.slice(at + sep.length).trim();
  if (!system || !account) invalid(key);
  if (system.length > MAX_SYSTEM) invalid(key, `system name is longer than ${MAX_SYSTEM} characters`);
  if (account.length > MAX_ACCOUNT) invalid(key, `account name is longer than ${MAX_ACCOUNT} characters`);
  return { system, account };
}

export function secretPath(key: string, sep: string): { path: string; title: string } {
  const k = trimSeparators(key, sep);
  const at = k.lastIndexOf(sep);
  if (at <= 0) invalid(key);
  const path = k.slice(0, at).trim();
  const title = k.slice(at + sep.length).trim();
  if (!path || !title) invalid(key);
  if (path.length > MAX_FOLDER_PATH) invalid(key, `folder path is longer than ${MAX_FOLDER_PATH} characters`);
  if (title.length > MAX_TITLE) invalid(key, `title is longer than ${MAX_TITLE} characters`);
  return { path, title };
}
