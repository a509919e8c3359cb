/** Masterminds/semver v3: versions, comparison and constraints, for Sprig's semver and semverCompare. */
import { GoRegexp } from "../../regexp/go-regexp.js";
import { GoInt } from "../go-ints.js";
import { defineGoMethods, defineGoType } from "../go-reflect.js";
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";

const VERSION_RE = new GoRegexp(
  String.raw`^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$`,
);

const U64_MAX = (1n << 64n) - 1n;

/** *semver.Version; the methods are callable from templates ((semver "1.2.3").Major). */
export class SemverVersion {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {}

  static parse(v: string): SemverVersion {
    const m = VERSION_RE.findAll(v, 1)[0];
    if (!m) throw new Error("Invalid Semantic Version");
    const seg = (s: string | undefined) => {
      const n = BigInt((s ?? "0").replace(/^\./, ""));
      if (n > U64_MAX)
        throw new Error(
          `Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s?.replace(/^\./, ""))}: value out of range`,
        );
      return n;
    };
    const pre = m[5] ?? "";
    for (const p of pre === "" ? [] : pre.split(".")) {
      if (/^[0-9]+$/.test(p) && p.length > 1 && p.startsWith("0")) throw new Error("Version segment starts with 0");
    }
    return new SemverVersion(seg(m[1]), seg(m[2]), seg(m[3]), pre, m[8] ?? "", v);
  }

  Major(): bigint {
    return this.major;
  }
  Minor(): bigint {
    return this.minor;
  }
  Patch(): bigint {
    return this.patch;
  }
  Prerelease(): string {
    return this.pre;
  }
  Metadata(): string {
    return this.metadata;
  }
  Original(): string {
    return this.original;
  }
  String(): string {
    return this.toString();
  }
  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre) s += `-${this.pre}`;
    if (this.metadata) s += `+${this.metadata}`;
    return s;
  }
  Compare(o: SemverVersion): bigint {
    return BigInt(compareVersions(this, o));
  }
  LessThan(o: SemverVersion): boolean {
    return compareVersions(this, o) < 0;
  }
  GreaterThan(o: SemverVersion): boolean {
    return compareVersions(this, o) > 0;
  }
  Equal(o: SemverVersion): boolean {
    return compareVersions(this, o) === 0;
  }
}

defineGoType(SemverVersion, { type: "*semver.Version", kind: "ptr" });

type V = SemverVersion;
const uint64 = (n: bigint) => new GoInt(n, "uint64");

defineGoMethods(SemverVersion, {
  Major: goFunc("func() uint64", (v: V) => uint64(v.Major())),
  Minor: goFunc("func() uint64", (v: V) => uint64(v.Minor())),
  Patch: goFunc("func() uint64", (v: V) => uint64(v.Patch())),
  Prerelease: goFunc("func() string", (v: V) => v.Prerelease()),
  Metadata: goFunc("func() string", (v: V) => v.Metadata()),
  Original: goFunc("func() string", (v: V) => v.Original()),
  String: goFunc("func() string", (v: V) => v.String()),
  Compare: goFunc("func(*semver.Version) int", (v: V, o: V) => v.Compare(o)),
  LessThan: goFunc("func(*semver.Version) bool", (v: V, o: V) => v.LessThan(o)),
  GreaterThan: goFunc("func(*semver.Version) bool", (v: V, o: V) => v.GreaterThan(o)),
  Equal: goFunc("func(*semver.Version) bool", (v: V, o: V) => v.Equal(o)),
});

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return o !== "" ? -1 : 1;
  if (o === "") return s !== "" ? 1 : -1;
  const sn = /^[0-9]+$/.test(s);
  const on = /^[0-9]+$/.test(o);
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

export function compareVersions(a: SemverVersion, b: SemverVersion): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === "") return 1;
  if (b.pre === "") return -1;
  const sp = a.pre.split(".");
  const op = b.pre.split(".");
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? "", op[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=>|=<|~>|!=|>=|<=|=|>|<|~|\^|`;
// Masterminds/semver's Go regexps, run as Go runs them (linear time): VALID_RE nests repetitions, so a
// backtracking engine takes exponential time on a constraint such as "111...1!".
const CONSTRAINT_RE = new GoRegexp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const FIND_RE = new GoRegexp(String.raw`(${OPS})\s*(${CV})`);
const VALID_RE = new GoRegexp(String.raw`^(\s*(${OPS})\s*(${CV})\s*,?)+$`);
const RANGE_RE = new GoRegexp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);

interface Constraint {
  op: string;
  con: SemverVersion;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const isX = (s: string) => ["x", "X", "*"].includes(s);

function parseConstraint(c: string): Constraint {
  const m = CONSTRAINT_RE.findAll(c, 1)[0];
  if (!m) throw new Error(`improper constraint: ${c}`);
  let ver = m[2]!;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  const minor = (m[4] ?? "").replace(/^\./, "");
  const patch = (m[5] ?? "").replace(/^\./, "");
  const pre = m[6] ?? "";
  if (isX(m[3]!) || m[3] === "") {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minor) || m[4] === undefined) {
    minorDirty = true;
    dirty = true;
    ver = `${m[3]}.0.0${pre}`;
  } else if (isX(patch) || m[5] === undefined) {
    dirty = true;
    patchDirty = true;
    ver = `${m[3]}${m[4]}.0${pre}`;
  }
  return { op: m[1]!, con: SemverVersion.parse(ver), dirty, minorDirty, patchDirty };
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  if (v.LessThan(c.con)) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function check(v: SemverVersion, c: Constraint): boolean {
  const preBlocked = v.pre !== "" && c.con.pre === "";
  switch (c.op) {
    case "":
    case "=":
      if (preBlocked) return false;
      return c.dirty ? tilde(v, c) : v.Equal(c.con);
    case "!=":
      if (c.dirty) {
        if (preBlocked) return false;
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        return false;
      }
      return !v.Equal(c.con);
    case ">":
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) === 1;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return compareVersions(v, c.con) === 1;
    case "<":
      if (preBlocked) return false;
      return compareVersions(v, c.con) < 0;
    case ">=":
    case "=>":
      if (preBlocked) return false;
      return compareVersions(v, c.con) >= 0;
    case "<=":
    case "=<":
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case "~":
    case "~>":
      if (preBlocked) return false;
      return tilde(v, c);
    default: {
      // ^
      if (preBlocked) return false;
      if (v.LessThan(c.con)) return false;
      if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
      if (c.con.major === 0n && v.major > 0n) return false;
      if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
      if (c.con.minor === 0n && v.minor > 0n) return false;
      return c.con.patch === v.patch;
    }
  }
}

/** semver.NewConstraint(c).Check(v). */
export function semverCompare(constraint: string, version: string): boolean {
  const c = RANGE_RE.replaceAll(constraint, (m) => `>= ${m[1]}, <= ${m[11]}`);
  const ors: Constraint[][] = [];
  for (const seg of c.split("||")) {
    if (!VALID_RE.matches(seg)) throw new Error(`improper constraint: ${seg}`);
    const found = FIND_RE.findAll(seg, -1).map((m) => m[0]);
    if (found.length === 0) found.push(seg);
    ors.push(found.map((s) => parseConstraint(s)));
  }
  const v = SemverVersion.parse(version);
  return ors.some((and) => and.every((k) => check(v, k)));
}

export function semverFuncs(): FuncMap {
  return {
    semver: goFunc("func(string) (*semver.Version, error)", (v: string) => SemverVersion.parse(v)),
    semverCompare: goFunc("func(string, string) (bool, error)", semverCompare),
  };
}
