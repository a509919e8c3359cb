#!/usr/bin/env bash
# scripts/moto.sh — create the venv .tools/venv and install moto[server] (pinned) so that
# .tools/venv/bin/moto_server runs (a third-party AWS emulator: Secrets Manager, SSM, STS, ECR, ...).
#
# Usage:
#   bash scripts/moto.sh           # prints the moto_server path on stdout (logs go to stderr)
#   "$(bash scripts/moto.sh)" -H 127.0.0.1 -p 5000
#
# Cached: nothing is installed when the venv already has moto at the pinned version.
set -euo pipefail

MOTO_VERSION="${MOTO_VERSION:-5.2.6}"   # PyPI moto[server]==5.2.6

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.tools/venv"
mkdir -p "$ROOT/.tools"
exec 9>"$ROOT/.tools/.moto.lock" # one install at a time; a waiting caller then finds the cache
flock 9
log() { printf '[moto] %s\n' "$*" >&2; }

if [[ -x "$VENV/bin/moto_server" ]] && [[ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" == "$MOTO_VERSION" ]]; then
  log "cached: moto $MOTO_VERSION in $VENV"
  echo "$VENV/bin/moto_server"
  exit 0
fi

start=$SECONDS
PY="$(command -v python3 || command -v python)"
[[ -x "$VENV/bin/python" ]] || { log "creating venv $VENV with $("$PY" --version)"; "$PY" -m venv "$VENV"; }
log "pip install moto[server]==$MOTO_VERSION"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
log "installed in $((SECONDS - start))s: moto $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))') ($(du -sh "$VENV" | cut -f1) venv)"
echo "$VENV/bin/moto_server"
