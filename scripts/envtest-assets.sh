#!/usr/bin/env bash
# scripts/envtest-assets.sh — build the real control-plane binaries (kube-apiserver + etcd) from the
# Go module proxy into the envtest layout: one folder holding both binaries.
#
# Usage:
#   bash scripts/envtest-assets.sh            # build (or reuse) and print the assets folder on stdout
#   KUBEBUILDER_ASSETS=/path bash scripts/envtest-assets.sh   # reuse an existing envtest folder as is
#   export KUBEBUILDER_ASSETS="$(bash scripts/envtest-assets.sh)"
#
# Output: .tools/envtest/v<K8S_VERSION>/{kube-apiserver,etcd}. Everything the script logs goes to stderr;
# stdout carries only the assets folder's absolute path (the value for KUBEBUILDER_ASSETS).
#
# How:
#   kube-apiserver: a throwaway module under .tools/build/kube-apiserver requires k8s.io/kubernetes at
#     K8S_VERSION; its replace lines are generated from k8s.io/kubernetes's own go.mod, mapping every
#     k8s.io/* staging module (./staging/src/k8s.io/X) to k8s.io/X v0.<minor>.<patch> from the proxy.
#     `go build k8s.io/kubernetes/cmd/kube-apiserver` with the version stamped through -ldflags.
#   etcd: a throwaway module under .tools/build/etcd with a 3-line main calling
#     go.etcd.io/etcd/server/v3/etcdmain.Main (what etcd's own main does), requiring the etcd
#     modules at ETCD_VERSION.
#   kube-controller-manager (only for the garbage collector and namespace controller the cluster tests run):
#     `go build k8s.io/kubernetes/cmd/kube-controller-manager` in the same throwaway module as kube-apiserver.
#     With KUBEBUILDER_ASSETS set it is not built; the tests then look for it in that folder and in
#     .tools/envtest/v<K8S_VERSION>/ (`KUBEBUILDER_ASSETS= bash scripts/envtest-assets.sh` builds it there).
# Cache: a binary is rebuilt only when missing or when its `--version` does not print the pinned version.
# Go state lives under .tools/go (GOPATH, GOMODCACHE, GOCACHE) so CI's fresh clone and a developer
# machine behave the same. `go build` runs under `nice -n 19` with -p 2: this machine has 2 shared cores.
# Needs: go (>= the version k8s.io/kubernetes's go.mod asks for; GOTOOLCHAIN=local: no toolchain download).
set -euo pipefail

# ---- pinned versions -------------------------------------------------------------------------------
K8S_VERSION="${K8S_VERSION:-1.35.4}"     # k8s.io/kubernetes v1.35.4, staging modules v0.35.4
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"   # go.etcd.io/etcd/*/v3 v3.6.16
# ------------------------------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
OUT="$TOOLS/envtest/v$K8S_VERSION"
STAGING_VERSION="v0.${K8S_VERSION#*.}"

log() { printf '[envtest-assets] %s\n' "$*" >&2; }

# An existing envtest folder wins: build nothing.
if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/kube-apiserver" && -x "$KUBEBUILDER_ASSETS/etcd" ]]; then
  log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS already has kube-apiserver and etcd; building nothing"
  log "$("$KUBEBUILDER_ASSETS/kube-apiserver" --version 2>&1 | head -1)"
  log "$("$KUBEBUILDER_ASSETS/etcd" --version 2>&1 | head -1)"
  (cd "$KUBEBUILDER_ASSETS" && pwd)
  exit 0
fi

export GOPATH="$TOOLS/go"
export GOMODCACHE="$TOOLS/go/pkg/mod"
export GOCACHE="$TOOLS/go/cache"
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
command -v go >/dev/null || { log "go is not installed"; exit 1; }
mkdir -p "$OUT" "$TOOLS/build" "$GOCACHE"
# One build at a time (parallel test processes may all ask for the assets): the others wait, then find the cache.
exec 9>"$TOOLS/envtest/.lock"
flock 9

GO_BUILD=(nice -n 19 go build -p 2 -trimpath)

# (output captured first: `cmd | grep -q` under pipefail fails at random when grep closes the pipe early)
apiserver_ok() { [[ -x "$OUT/kube-apiserver" ]] && [[ "$("$OUT/kube-apiserver" --version 2>/dev/null)" == "Kubernetes v$K8S_VERSION" ]]; }
etcd_ok() { [[ -x "$OUT/etcd" ]] && [[ "$("$OUT/etcd" --version 2>/dev/null | head -1)" == "etcd Version: $ETCD_VERSION" ]]; }

build_apiserver() {
  local dir="$TOOLS/build/kube-apiserver" start=$SECONDS gomod
  rm -rf "$dir" && mkdir -p "$dir"
  log "kube-apiserver: fetching k8s.io/kubernetes@v$K8S_VERSION's go.mod"
  gomod="$(cd "$dir" && GOFLAGS= go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod" ]] || { log "could not locate k8s.io/kubernetes@v$K8S_VERSION go.mod"; exit 1; }
  local go_line
  go_line="$(grep -m1 '^go ' "$gomod")"
  {
    echo "module envtest.local/kube-apiserver"
    echo
    echo "$go_line"
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo
    echo "replace ("
    # every staging module: k8s.io/X => ./staging/src/k8s.io/X  becomes  k8s.io/X => k8s.io/X v0.35.x
    grep -oE '^[[:space:]]*k8s\.io/[A-Za-z0-9._-]+ => \./staging/src/k8s\.io/[A-Za-z0-9._-]+' "$gomod" |
      awk -v v="$STAGING_VERSION" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } >"$dir/go.mod"
  # a blank import keeps `go mod tidy` from dropping the requirement
  printf 'package tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n' >"$dir/tools.go"
  log "kube-apiserver: $(grep -c ' => ' "$dir/go.mod") staging replace lines pinned to $STAGING_VERSION"
  (cd "$dir" && go mod tidy >&2)
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=${K8S_VERSION%%.*}"
  ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $pkg.gitTreeState=clean"
  ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
  log "kube-apiserver: go build k8s.io/kubernetes/cmd/kube-apiserver (nice -n 19, -p 2)"
  (cd "$dir" && "${GO_BUILD[@]}" -ldflags "$ldflags" -o "$OUT/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$OUT/kube-apiserver.tmp" "$OUT/kube-apiserver"
  log "kube-apiserver: built in $((SECONDS - start))s: $("$OUT/kube-apiserver" --version)"
}

controller_manager_ok() {
  [[ -x "$OUT/kube-controller-manager" ]] &&
    [[ "$("$OUT/kube-controller-manager" --version 2>/dev/null)" == "Kubernetes v$K8S_VERSION" ]]
}

build_controller_manager() {
  local dir="$TOOLS/build/kube-apiserver" start=$SECONDS
  # the kube-apiserver module (built first) pins every staging module; add the controller manager's imports
  printf 'package tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-controller-manager/app"\n' >"$dir/kcm.go"
  (cd "$dir" && go mod tidy >&2)
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=${K8S_VERSION%%.*}"
  ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $pkg.gitTreeState=clean"
  ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  log "kube-controller-manager: go build k8s.io/kubernetes/cmd/kube-controller-manager (nice -n 19, -p 2)"
  (cd "$dir" && "${GO_BUILD[@]}" -ldflags "$ldflags" -o "$OUT/kube-controller-manager.tmp" k8s.io/kubernetes/cmd/kube-controller-manager)
  mv "$OUT/kube-controller-manager.tmp" "$OUT/kube-controller-manager"
  log "kube-controller-manager: built in $((SECONDS - start))s: $("$OUT/kube-controller-manager" --version)"
}

build_etcd() {
  local dir="$TOOLS/build/etcd" start=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/go.mod" <<EOF
module envtest.local/etcd

go 1.24

require (
	go.etcd.io/etcd/api/v3 v$ETCD_VERSION
	go.etcd.io/etcd/client/pkg/v3 v$ETCD_VERSION
	go.etcd.io/etcd/client/v3 v$ETCD_VERSION
	go.etcd.io/etcd/pkg/v3 v$ETCD_VERSION
	go.etcd.io/etcd/server/v3 v$ETCD_VERSION
)
EOF
  cat >"$dir/main.go" <<'EOF'
// Throwaway main generated by scripts/envtest-assets.sh: the same entry point as etcd's own main.go.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  log "etcd: resolving go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  (cd "$dir" && go mod tidy >&2)
  log "etcd: go build (nice -n 19, -p 2)"
  (cd "$dir" && "${GO_BUILD[@]}" -ldflags "-s -w" -o "$OUT/etcd.tmp" .)
  mv "$OUT/etcd.tmp" "$OUT/etcd"
  log "etcd: built in $((SECONDS - start))s: $("$OUT/etcd" --version | head -1)"
}

t0=$SECONDS
log "go: $(go version); GOPATH=$GOPATH GOCACHE=$GOCACHE"
if etcd_ok; then log "etcd v$ETCD_VERSION: cached at $OUT/etcd"; else build_etcd; fi
if apiserver_ok; then log "kube-apiserver v$K8S_VERSION: cached at $OUT/kube-apiserver"; else build_apiserver; fi
if controller_manager_ok; then
  log "kube-controller-manager v$K8S_VERSION: cached at $OUT/kube-controller-manager"
else
  [[ -f "$TOOLS/build/kube-apiserver/go.mod" ]] || build_apiserver
  build_controller_manager
fi
controller_manager_ok || { log "kube-controller-manager --version does not print Kubernetes v$K8S_VERSION"; exit 1; }
apiserver_ok || { log "kube-apiserver --version does not print Kubernetes v$K8S_VERSION"; exit 1; }
etcd_ok || { log "etcd --version does not print etcd Version: $ETCD_VERSION"; exit 1; }
log "done in $((SECONDS - t0))s: $OUT"
log "disk: $(du -sh "$OUT" | cut -f1) assets, $(du -sh "$GOMODCACHE" 2>/dev/null | cut -f1) module cache, $(du -sh "$GOCACHE" 2>/dev/null | cut -f1) build cache"
echo "$OUT"
