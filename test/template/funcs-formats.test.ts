import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GoDuration, GoInt, GoTime, goInt64, renderESO, UTC } from "../../src/template/index.js";

const uint32 = (n: bigint) => new GoInt(n, "uint32");

import { type Case, call, type ErrCase, errors, table } from "./funcs-helpers.js";

describe("sprig encoding functions", () => {
  table([
    ["b64enc", ["hello"], "aGVsbG8="],
    ["b64dec", ["aGVsbG8="], "hello"],
    ["b64dec", ["aGVs\nbG8="], "hello"],
    ["b64dec", ["aGVsbG8"], "illegal base64 data at input byte 4"],
    ["b64dec", ["a$"], "illegal base64 data at input byte 1"],
    ["b32enc", ["hello"], "NBSWY3DP"],
    ["b32enc", ["a"], "ME======"],
    ["b32dec", ["NBSWY3DP"], "hello"],
    ["b32dec", ["ME======"], "a"],
    ["b32dec", ["1"], "illegal base32 data at input byte 0"],
    ["hexdec", ["6869"], "hi"],
  ] satisfies Case[]);

  it("binary data survives b64dec → b64enc", () => {
    const raw = "MIIC/wIBAzCC//8=";
    assert.equal(call("b64enc", call("b64dec", raw)), raw);
  });
});

describe("sprig hashing and crypto functions", () => {
  table([
    ["sha1sum", ["hello"], "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
    ["sha256sum", ["hello"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"],
    [
      "sha512sum",
      ["hello"],
      "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
    ],
    ["adler32sum", ["Wikipedia"], "300286872"],
    ["derivePassword", [uint32(1n), "long", "password", "user", "example.com"], "ZedaFaxcZaso9*"],
    ["derivePassword", [uint32(1n), "nope", "p", "u", "s"], "cannot find password template nope"],
    ["htpasswd", ["a:b", "pw"], "invalid username: a:b"],
    ["encryptAES", ["key", ""], ""],
    ["decryptAES", ["key", ""], ""],
  ] satisfies Case[]);

  errors([
    ["decryptAES", ["key", "AAAA"], "runtime error: slice bounds out of range [:16] with capacity 3"],
    ["fail", ["boom"], "boom"],
    // Sprig v3.3.0's htpasswd takes no algorithm
    ["htpasswd", ["user", "pw", "sha"], "wrong number of args for htpasswd: want 2 got 3"],
    ["derivePassword", [1n, "long", "p", "u", "s"], "wrong type for value; expected uint32; got int"],
  ] satisfies ErrCase[]);

  it("bcrypt hashes verify with bcryptjs and use Go's $2a$ prefix", async () => {
    const bcrypt = (await import("bcryptjs")).default;
    const h = call("bcrypt", "secret") as string;
    assert.match(h, /^\$2a\$10\$/);
    assert.ok(bcrypt.compareSync("secret", h));
    const line = call("htpasswd", "user", "pw") as string;
    assert.ok(line.startsWith("user:$2a$10$"));
    assert.ok(bcrypt.compareSync("pw", line.slice(5)));
  });

  it("encryptAES and decryptAES round trip; ciphertext layout is IV + CBC blocks", () => {
    const c = call("encryptAES", "secretkey", "plaintext") as string;
    assert.equal(Buffer.from(c, "base64").length, 32);
    assert.equal(call("decryptAES", "secretkey", c), "plaintext");
    const long = "x".repeat(40);
    assert.equal(call("decryptAES", "k".repeat(40), call("encryptAES", "k".repeat(40), long)), long);
  });

  it("randBytes and uuidv4", () => {
    assert.equal(Buffer.from(call("randBytes", 24n) as string, "base64").length, 24);
    assert.match(call("uuidv4") as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("sprig regex functions (Go RE2 syntax)", () => {
  table([
    ["regexMatch", ["^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[A-Za-z]{2,}$", "test@acme.com"], true],
    ["regexMatch", ["(", "x"], false],
    ["regexMatch", ["(?i)HELLO", "say hello"], true],
    ["regexMatch", ["\\Aab\\z", "ab"], true],
    ["regexMatch", ["^b", "a\nb"], false],
    ["regexMatch", ["(?m)^b$", "a\nb"], true],
    ["regexMatch", ["a.c", "a\nc"], false],
    ["regexMatch", ["(?s)a.c", "a\nc"], true],
    ["regexMatch", ["[[:digit:]]+", "x42"], true],
    ["regexMatch", ["\\pL+", "héllo"], true],
    ["regexMatch", ["a\\.b", "a.b"], true],
    ["regexMatch", ["x{2}", "xx"], true],
    ["regexMatch", ["a{,2}", "a{,2}"], true],
    ["regexFindAll", ["a.", "abacad", -1n], ["ab", "ac", "ad"]],
    ["regexFindAll", ["a.", "abacad", 2n], ["ab", "ac"]],
    ["regexFindAll", ["z", "abc", -1n], []],
    ["regexFind", ["[a-zA-Z][1-9]", "abcd1234"], "d1"],
    ["regexFind", ["z", "abc"], ""],
    ["regexReplaceAll", ["a(x*)b", "-ab-axxb-", "${1}W"], "-W-xxW-"],
    ["regexReplaceAll", ["a(x*)b", "-ab-axxb-", "$1W"], "---"],
    ["regexReplaceAll", ["(?P<first>\\w+) (?P<last>\\w+)", "John Smith", "$last, $first"], "Smith, John"],
    ["regexReplaceAll", ["a", "aaa", "$$"], "$$$"],
    ["regexReplaceAll", ["a*", "baaac", "-"], "-b-c-"],
    ["regexReplaceAll", ["x*", "abc", "-"], "-a-b-c-"],
    ["regexReplaceAllLiteral", ["a(x*)b", "-ab-axxb-", "${1}"], "-${1}-${1}-"],
    ["regexSplit", ["z+", "pizza", -1n], ["pi", "a"]],
    ["regexSplit", ["z+", "pizza", 1n], ["pizza"]],
    ["regexSplit", ["", "abc", -1n], ["a", "b", "c"]],
    ["regexSplit", ["a", "", -1n], [""]],
    ["regexQuoteMeta", ["1.2.3+[x]"], "1\\.2\\.3\\+\\[x\\]"],
    ["mustRegexMatch", ["\\d", "a1"], true],
  ] satisfies Case[]);

  errors([
    ["regexFind", ["(", "x"], "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"],
    ["mustRegexFind", ["(?=x)", "x"], "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
    ["mustRegexMatch", ["a)", "x"], "error parsing regexp: unexpected ): `a)`"],
    ["mustRegexMatch", ["\\1", "x"], "error parsing regexp: invalid escape sequence: `\\1`"],
    ["mustRegexMatch", ["[a", "x"], "error parsing regexp: missing closing ]: `[a`"],
    ["mustRegexMatch", ["*a", "x"], "error parsing regexp: missing argument to repetition operator: `*`"],
    ["mustRegexMatch", ["a**", "x"], "error parsing regexp: invalid nested repetition operator: `**`"],
    ["mustRegexMatch", ["a{1001}", "x"], "error parsing regexp: invalid repeat count: `{1001}`"],
    ["mustRegexMatch", ["[z-a]", "x"], "error parsing regexp: invalid character class range: `z-a`"],
    ["mustRegexReplaceAll", ["(", "x", "y"], "error parsing regexp: missing closing ): `(`"],
    ["regexSplit", ["(", "x", -1n], /^regexp: Compile/],
  ] satisfies ErrCase[]);
});

describe("time.Time methods in templates", () => {
  it("Format, Month, Weekday, IsZero, Add, AddDate (normalized), Sub, Before, After, Equal", () => {
    const t0 = '{{ $t := toDate "2006-01-02T15:04:05Z07:00" "2024-10-31T06:07:08+02:00" }}';
    const cases: [string, string][] = [
      ['{{ $t.Format "2006-01-02 15:04 MST Mon" }}', "2024-10-31 06:07 +0200 Thu"],
      ["{{ $t.Month }} {{ $t.Weekday }} {{ $t.YearDay }}", "October Thursday 305"],
      ['{{ $t.IsZero }} {{ (toDate "2006" "x").IsZero }}', "false true"],
      ['{{ ($t.AddDate 0 1 0).Format "2006-01-02T15:04:05Z07:00" }}', "2024-12-01T06:07:08+02:00"],
      ['{{ ($t.AddDate 1 -10 -31).Format "2006-01-02" }}', "2024-11-30"],
      ["{{ ($t.Add 3600000000000).Hour }} {{ $t.Sub ($t.Add -90000000000) }}", "7 1m30s"],
      ["{{ $t.Before now }} {{ $t.After now }} {{ $t.Equal $t }}", "true false true"],
    ];
    for (const [text, want] of cases) assert.equal(renderESO("t", t0 + text, {}), want, text);
    assert.throws(() => renderESO("t", `${t0}{{ $t.Add "1h" }}`, {}), /at <"1h">: expected integer; found "1h"$/);
  });
});

describe("semver values in templates (*semver.Version methods)", () => {
  it("exposes Major, Minor, Patch, Prerelease, Metadata, Original, String and comparisons", () => {
    const out = renderESO(
      "t",
      '{{ $v := semver "v1.2.3-beta.1+build.5" }}{{ typeOf $v }} {{ kindOf $v }} {{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ $v.String }} {{ $v }} {{ $v.Compare (semver "1.2.3") }} {{ $v.LessThan (semver "1.2.3") }} {{ $v.GreaterThan (semver "1.0.0") }} {{ $v.Equal (semver "1.2.3-beta.1") }}',
      {},
    );
    assert.equal(
      out,
      "*semver.Version ptr 1.2.3 beta.1 build.5 v1.2.3-beta.1+build.5 1.2.3-beta.1+build.5 1.2.3-beta.1+build.5 -1 true true true",
    );
  });
});

describe("sprig semver functions", () => {
  table([
    ["semverCompare", ["1.2.3", "1.2.3"], true],
    ["semverCompare", ["^1.2.0", "1.2.3"], true],
    ["semverCompare", ["^1.2.0", "2.0.0"], false],
    ["semverCompare", ["^0.2.3", "0.2.9"], true],
    ["semverCompare", ["^0.2.3", "0.3.0"], false],
    ["semverCompare", ["~1.2.3", "1.2.9"], true],
    ["semverCompare", ["~1.2.3", "1.3.0"], false],
    ["semverCompare", ["~1", "1.9.0"], true],
    ["semverCompare", [">=1.2 <2", "1.9.9"], true],
    ["semverCompare", [">=1.2, <2", "2.0.0"], false],
    ["semverCompare", ["1.2.x", "1.2.9"], true],
    ["semverCompare", ["1.2.x", "1.3.0"], false],
    ["semverCompare", ["*", "4.5.6"], true],
    ["semverCompare", [">1.0", "1.0.0-beta"], false],
    ["semverCompare", [">1.0.0-alpha", "1.0.0-beta"], true],
    ["semverCompare", ["1.1 - 1.3", "1.2.5"], true],
    ["semverCompare", ["<1 || >=3", "3.1.0"], true],
    ["semverCompare", ["!=1.2.3", "1.2.4"], true],
    ["semverCompare", [">= 1.0.0", "v1.0.0"], true],
  ] satisfies Case[]);

  errors([
    ["semverCompare", ["abc", "1.0.0"], "improper constraint: abc"],
    ["semverCompare", ["^1", "x.y"], "Invalid Semantic Version"],
    ["semver", ["1.2.3.4"], "Invalid Semantic Version"],
  ] satisfies ErrCase[]);

  it("semver exposes the version methods", () => {
    const v = call("semver", "v1.2.3-beta.1+build") as Record<string, () => unknown>;
    assert.equal(v.Major!(), 1n);
    assert.equal(v.Minor!(), 2n);
    assert.equal(v.Patch!(), 3n);
    assert.equal(v.Prerelease!(), "beta.1");
    assert.equal(v.Metadata!(), "build");
    assert.equal(v.Original!(), "v1.2.3-beta.1+build");
    assert.equal(String(v), "1.2.3-beta.1+build");
  });
});

describe("sprig URL functions", () => {
  table([
    [
      "urlParse",
      ["https://user:pw@example.com:8080/a%20b?x=1#frag"],
      {
        scheme: "https",
        host: "example.com:8080",
        hostname: "example.com",
        path: "/a b",
        query: "x=1",
        opaque: "",
        fragment: "frag",
        userinfo: "user:pw",
      },
    ],
    [
      "urlParse",
      ["mailto:a@b.c"],
      { scheme: "mailto", host: "", hostname: "", path: "", query: "", opaque: "a@b.c", fragment: "", userinfo: "" },
    ],
    [
      "urlJoin",
      [{ scheme: "https", host: "h:80", path: "/p q", query: "a=1", userinfo: "u:p" }],
      "https://u:p@h:80/p%20q?a=1",
    ],
    ["urlJoin", [{ host: "example.com", path: "x", fragment: "a b" }], "//example.com/x#a%20b"],
    ["urlJoin", [{ scheme: "mailto", opaque: "a@b.c" }], "mailto:a@b.c"],
  ] satisfies Case[]);

  errors([
    ["urlParse", [":x"], 'unable to parse url: parse ":x": missing protocol scheme'],
    ["urlParse", ["http://h/%zz"], 'unable to parse url: parse "http://h/%zz": invalid URL escape "%zz"'],
    ["urlParse", ["http://h:port/"], 'unable to parse url: parse "http://h:port/": invalid port ":port" after host'],
  ] satisfies ErrCase[]);
});

describe("sprig date functions (Go layouts)", () => {
  const t = new GoTime(1700000000_123456789n, UTC);
  table([
    ["date", ["2006-01-02", t], "2023-11-14"],
    ["dateInZone", ["2006-01-02T15:04:05.000Z07:00", t, "UTC"], "2023-11-14T22:13:20.123Z"],
    ["dateInZone", ["Mon Jan _2 15:04:05 MST 2006", t, "America/New_York"], "Tue Nov 14 17:13:20 EST 2023"],
    ["dateInZone", ["3:04PM -0700 .999999999", t, "Asia/Kolkata"], "3:43AM +0530 .123456789"],
    ["dateInZone", ["Monday, January 2 '06 002 __2", t, "Nope/Zone"], "Tuesday, November 14 '23 318 318"],
    ["dateInZone", ["2006-01-02 15:04", 0n, "UTC"], "1970-01-01 00:00"],
    ["date_in_zone", ["15h", t, "UTC"], "22h"],
    ["htmlDateInZone", [t, "UTC"], "2023-11-14"],
    ["unixEpoch", [t], "1700000000"],
    ["duration", ["95"], "1m35s"],
    ["duration", [goInt64(3600n)], "1h0m0s"],
    // Sprig's duration and durationRound take an int64, not an int or a time.Duration
    ["duration", [3600n], "0s"],
    ["durationRound", ["2h10m5s"], "2h"],
    ["durationRound", ["-1h1m"], "1h"],
    ["durationRound", [goInt64(400n * 24n * 3600n * 1_000_000_000n)], "1y"],
    ["durationRound", [new GoDuration(400n * 24n * 3600n * 1_000_000_000n)], "0s"],
    ["durationRound", ["bogus"], "0s"],
  ] satisfies Case[]);

  it("dateModify / toDate parse Go layouts", () => {
    const m = call("dateModify", "-1h30m", t) as GoTime;
    assert.equal(m.unixNano, t.unixNano - 5_400_000_000_000n);
    assert.equal(call("dateModify", "garbage", t), t);
    const d = call("toDate", "2006-01-02T15:04:05Z07:00", "2024-02-03T04:05:06+02:00") as GoTime;
    assert.equal(d.unixNano, 1706925906_000000000n);
    assert.equal(call("dateInZone", "2006-01-02 15:04:05", d, "UTC"), "2024-02-03 02:05:06");
    const z = call("toDate", "2006-01-02", "not a date") as GoTime;
    assert.equal(String(z), "0001-01-01 00:00:00 +0000 UTC");
    const p = call("mustToDate", "Jan 2, 2006 at 3:04pm (MST)", "Feb 3, 2013 at 7:54pm (UTC)") as GoTime;
    assert.equal(p.unixNano, 1359921240_000000000n);
    assert.equal(call("unixEpoch", call("mustToDate", "2006-01-02", "1970-01-02")), "86400");
    const ago = call("ago", new GoTime(BigInt(Date.now() - 90_000) * 1_000_000n)) as string;
    assert.ok(ago === "1m30s" || ago === "1m31s", ago);
    assert.ok(call("now") instanceof GoTime);
  });

  errors([
    ["mustToDate", ["2006-01-02", "2024-02-30"], 'parsing time "2024-02-30": day out of range'],
    [
      "mustToDate",
      ["2006-01-02", "24-02-03"],
      'parsing time "24-02-03" as "2006-01-02": cannot parse "24-02-03" as "2006"',
    ],
    ["mustToDate", ["2006-01-02", "2024-02-03x"], 'parsing time "2024-02-03x": extra text: "x"'],
    ["mustDateModify", ["1x", t], 'time: unknown unit "x" in duration "1x"'],
    ["mustDateModify", ["1", t], 'time: missing unit in duration "1"'],
  ] satisfies ErrCase[]);
});
