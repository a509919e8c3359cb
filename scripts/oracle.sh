#!/usr/bin/env bash
# scripts/oracle.sh — build the Go template/regexp oracle (test/oracle) used by test/cluster/oracle.test.ts.
#
# Usage:
#   bash scripts/oracle.sh        # build (or reuse) and print the binary's absolute path on stdout
#
# Output: .tools/oracle/oracle. Logs go to stderr; stdout carries only the binary's path.
# The oracle is Go's text/template with ESO's template engine v2 function map, imported from ESO's own Go module
# (github.com/external-secrets/external-secrets/pkg/template/v2: Masterminds Sprig v3.3.0 minus env/expandenv,
# plus ESO's pkcs12*/pem*/jwk*/toYaml/fromYaml functions), and Go's regexp package.
# Versions are pinned by test/oracle/go.mod and go.sum (built with -mod=readonly: nothing is re-resolved).
# Cache: rebuilt only when the sources, go.mod, go.sum or the Go version change (a stamp file holds their hash).
# Go state lives under .tools/go (GOPATH, GOMODCACHE, GOCACHE) as in scripts/envtest-assets.sh; the build runs
# under `nice -n 19` with -p 2 (2 shared cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
SRC="$ROOT/test/oracle"
OUT="$TOOLS/oracle"
BIN="$OUT/oracle"

log() { printf '[oracle] %s\n' "$*" >&2; }

export GOPATH="$TOOLS/go"
export GOMODCACHE="$TOOLS/go/pkg/mod"
export GOCACHE="$TOOLS/go/cache"
export GOTOOLCHAIN=local
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0
command -v go >/dev/null || { log "go is not installed"; exit 1; }
mkdir -p "$OUT" "$GOCACHE"
exec 9>"$OUT/.lock"
flock 9

stamp="$( { go version; cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/*.go; } | sha256sum | cut -d' ' -f1)"
if [[ -x "$BIN" && -f "$BIN.stamp" && "$(cat "$BIN.stamp")" == "$stamp" ]]; then
  log "cached at $BIN"
  echo "$BIN"
  exit 0
fi

start=$SECONDS
log "go build ./test/oracle (nice -n 19, -p 2; $(go version))"
(cd "$SRC" && nice -n 19 go build -p 2 -trimpath -ldflags "-s -w" -o "$BIN.tmp" .)
mv "$BIN.tmp" "$BIN"
echo "$stamp" >"$BIN.stamp"
log "built in $((SECONDS - start))s: $BIN"
echo "$BIN"
