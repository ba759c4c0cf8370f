#!/usr/bin/env bash
# Publishes the release assets for one platform: the action's entry and the CLI as self-contained single-file
# executables (ReadyToRun; no .NET needed on the machine that runs them), named
#   helm-sentinel-action-<rid>[.exe]   helm-sentinel-<rid>[.exe]
# into OUT, and appends their SHA-256 lines to OUT/SHA256SUMS (the format `sha256sum -c` reads).
# Not trimmed: KubernetesClient, YamlDotNet and Octokit serialize by reflection, which trimming would break. Not
# compressed: a compressed single file unpacks itself at every start (0.38 s here against 0.03 s), and the action
# starts once a deploy; the download is larger (about 120 MB for the action) but paid once a job.
# Usage: .ci/publish-assets.sh RID OUT     e.g. .ci/publish-assets.sh linux-x64 artifacts/assets
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rid=${1:?usage: .ci/publish-assets.sh RID OUT}
out=${2:?usage: .ci/publish-assets.sh RID OUT}
case "$rid" in
  linux-x64 | linux-arm64 | osx-arm64 | osx-x64 | win-x64 | win-arm64) ;;
  *) echo "error: unsupported runtime '$rid' (linux-x64, linux-arm64, osx-arm64, osx-x64, win-x64, win-arm64)" >&2; exit 3 ;;
esac
exe=""
[[ $rid == win-* ]] && exe=.exe
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

publish() { # project, executable name in the publish folder, asset name
  dotnet publish "$1" -c Release -r "$rid" --self-contained true --nologo -v quiet -o "$work/$3" \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
    -p:DebugType=none -p:PublishDocumentationFile=false -p:PublishDocumentationFiles=false
  cp "$work/$3/$2$exe" "$out/$3$exe"
  (cd "$out" && (sha256sum "$3$exe" 2>/dev/null || shasum -a 256 "$3$exe")) >> "$out/SHA256SUMS"
}

publish action/HelmSentinel.Action.csproj HelmSentinel.Action "helm-sentinel-action-$rid"
publish src/HelmSentinel.Cli/HelmSentinel.Cli.csproj helm-sentinel "helm-sentinel-$rid"
ls -l "$out"
