/**
 * RBAC evaluation over the stored Roles, ClusterRoles and their bindings, for SubjectAccessReview. The server
 * itself does not enforce RBAC on its own requests (one admin identity); this answers "may X do Y" questions the
 * way kube-apiserver's RBAC authorizer would, so components that delegate authorization to the API server
 * (e.g. a metrics endpoint) can be tested end to end. Aggregated ClusterRoles are not expanded.
 */
import type { Engine } from "./engine.js";
import { type KObj, typeKey } from "./types.js";

const rbacGroup = "rbac.authorization.k8s.io";

export interface AccessQuestion {
  user: string;
  groups: string[];
  resource?: {
    namespace?: string;
    verb: string;
    group: string;
    resource: string;
    subresource?: string;
    name?: string;
  };
  nonResource?: { path: string; verb: string };
}

export interface AccessAnswer {
  allowed: boolean;
  reason: string;
}

function stored(engine: Engine, resource: string, namespace?: string): KObj[] {
  const ts = engine.types.get(typeKey(rbacGroup, resource));
  if (!ts) return [];
  if (namespace !== undefined) return [...(ts.byNs.get(namespace)?.values() ?? [])];
  return [...ts.byNs.values()].flatMap((m) => [...m.values()]);
}

function subjectMatches(s: KObj, q: AccessQuestion, bindingNamespace: string): boolean {
  switch (s?.kind) {
    case "User":
      return s.name === q.user;
    case "Group":
      return q.groups.includes(s.name);
    case "ServiceAccount":
      return q.user === `system:serviceaccount:${s.namespace || bindingNamespace}:${s.name}`;
    default:
      return false;
  }
}

const has = (list: unknown, value: string): boolean =>
  Array.isArray(list) && (list.includes(value) || list.includes("*"));

function urlMatches(patterns: unknown, path: string): boolean {
  if (!Array.isArray(patterns)) return false;
  return patterns.some(
    (p) => typeof p === "string" && (p === path || p === "*" || (p.endsWith("*") && path.startsWith(p.slice(0, -1)))),
  );
}

function ruleAllows(rule: KObj, q: AccessQuestion): boolean {
  if (q.nonResource) {
    return has(rule.verbs, q.nonResource.verb) && urlMatches(rule.nonResourceURLs, q.nonResource.path);
  }
  const r = q.resource!;
  const res = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  if (!has(rule.verbs, r.verb) || !has(rule.apiGroups, r.group) || !has(rule.resources, res)) return false;
  const names = rule.resourceNames;
  return !Array.isArray(names) || names.length === 0 || (r.name !== undefined && names.includes(r.name));
}

function roleRules(engine: Engine, ref: KObj, bindingNamespace: string): KObj[] {
  const kind = ref?.kind;
  const role =
    kind === "ClusterRole"
      ? stored(engine, "clusterroles").find((r) => r.metadata?.name === ref.name)
      : kind === "Role"
        ? stored(engine, "roles", bindingNamespace).find((r) => r.metadata?.name === ref.name)
        : undefined;
  return Array.isArray(role?.rules) ? role.rules : [];
}

export function authorize(engine: Engine, q: AccessQuestion): AccessAnswer {
  if (q.groups.includes("system:masters")) return { allowed: true, reason: "member of system:masters" };
  const bindings: [KObj, string][] = stored(engine, "clusterrolebindings").map((b) => [b, ""]);
  // RoleBindings grant only inside their namespace, and never non-resource URLs.
  if (q.resource?.namespace) {
    for (const b of stored(engine, "rolebindings", q.resource.namespace)) bindings.push([b, q.resource.namespace]);
  }
  for (const [binding, ns] of bindings) {
    const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
    if (!subjects.some((s: KObj) => subjectMatches(s, q, ns || binding.metadata?.namespace || ""))) continue;
    if (roleRules(engine, binding.roleRef, ns).some((rule) => ruleAllows(rule, q))) {
      const kind = ns ? "RoleBinding" : "ClusterRoleBinding";
      return { allowed: true, reason: `RBAC: allowed by ${kind} "${binding.metadata?.name}"` };
    }
  }
  return { allowed: false, reason: "" };
}
