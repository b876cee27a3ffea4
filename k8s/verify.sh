#!/usr/bin/env bash
# Builds every kustomization of the hub with `kubectl kustomize`, the same tool `kubectl apply`
# uses, without a cluster. Run from anywhere: bash k8s/verify.sh
#
# Every kustomization reads only files below its own folder, so a stock `kubectl apply -k <dir>`
# takes each of them as it is (no --load-restrictor).
#
# kubectl: used if installed (kustomize v5, kubectl 1.27 or later; checked with 1.32). If missing,
# the script installs Debian's `kubectl` package when the configured apt sources have one. Debian
# itself (bookworm) has none: its `kubernetes-client` package is kubectl 1.20 with kustomize v2,
# which does not know `labels:` or per-generator options, so it cannot build these manifests. Without a usable kubectl the script stops with exit code 2 and
# K8sManifestsTest (mvn -Dtest=K8sManifestsTest test) is the check: it verifies the same files
# in Java, and builds the overlays too whenever kubectl is present.
set -euo pipefail
cd "$(dirname "$0")/.."

DIRS=(k8s/overlays/single k8s/overlays/scaled k8s/camel-k k8s/camel-k/image)

if ! command -v kubectl >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
  $SUDO apt-get update -qq || true
  candidate="$(apt-cache policy kubectl 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
    echo "installing kubectl $candidate from the apt sources"
    $SUDO apt-get install -y -qq kubectl
  else
    echo "verify.sh: kubectl is not installed and the apt sources have no kubectl package." >&2
    echo "  (Debian's kubernetes-client is kubectl 1.20 / kustomize v2: too old for these manifests.)" >&2
    echo "  Install kubectl 1.27+ from the Kubernetes project, or rely on: mvn -Dtest=K8sManifestsTest test" >&2
    exit 2
  fi
fi

# kustomize v5 (kubectl 1.27+) is the first whose kubectl has --load-restrictor: a version check without parsing
if ! kubectl kustomize --help 2>/dev/null | grep -q -- '--load-restrictor'; then
  echo "verify.sh: $(kubectl version --client 2>/dev/null | head -1) is too old (needs kubectl 1.27+, kustomize v5)." >&2
  exit 2
fi
echo "$(kubectl version --client 2>/dev/null | tr '\n' ' ')"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for dir in "${DIRS[@]}"; do
  name="${dir//\//_}"
  # exactly what `kubectl apply -k "$dir"` builds
  if kubectl kustomize "$dir" >"$out/$name.yaml" 2>"$out/$name.err"; then
    kinds="$(grep -E '^kind: ' "$out/$name.yaml" | sed 's/kind: //' | sort | uniq -c | awk '{printf "%s %s, ", $1, $2}')"
    echo "ok    $dir: ${kinds%, }"
  else
    echo "FAIL  $dir:" >&2
    cat "$out/$name.err" >&2
    status=1
  fi
done
exit $status
