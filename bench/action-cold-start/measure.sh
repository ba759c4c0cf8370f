#!/usr/bin/env bash
# Measures the action's cold start as the composite action pays it, minus what only GitHub can show
# (setup-dotnet, actions/cache): (1) `dotnet publish` of the action with an EMPTY NuGet package folder
# (packages come from the feed, as on a fresh runner without a cache hit), (2) the same publish when the
# build is already there (what the action's "Build" step costs on a cache hit: nothing, it is skipped), and
# (3) from starting `dotnet HelmSentinel.Action.dll` to its first helm call, recorded by a helm wrapper.
# (4) With ASSET (a self-contained action executable, .ci/publish-assets.sh), (3) again for it: no dotnet, no publish.
# Usage: bench/action-cold-start/measure.sh [runs] [ASSET]   (needs .ci/fetch-tools.sh for helm)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-5}
asset=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

start=$(now)
# As the composite action publishes on a Linux x64 runner: for the platform, so ReadyToRun (Directory.Build.targets).
NUGET_PACKAGES="$work/nuget" dotnet publish action/HelmSentinel.Action.csproj -c Release -o "$work/out" \
  -p:UseAppHost=false -r linux-x64 --self-contained false --nologo -v quiet >/dev/null
echo "publish with an empty NuGet folder: $(ms "$start" "$(now)") ms"

# The wrapper notes when helm is first called, answers `helm version` with the real helm and fails every other
# call with a non-transient error, so the deploy stops right after the first call (only the way there is timed).
cat > "$work/helm" <<'WRAP'
#!/usr/bin/env bash
[ -f "$HELM_FIRST_CALL" ] || date +%s%N > "$HELM_FIRST_CALL"
[ "${1:-}" = version ] && exec "$REAL_HELM" "$@"
echo "Error: stopped by the cold-start benchmark" >&2
exit 1
WRAP
chmod +x "$work/helm"

first_call() { # label, command...
  local label=$1
  shift
  for i in $(seq 1 "$runs"); do
    first="$work/first-$label-$i"
    rm -rf "$work/home" # a first use: no helm version cached yet
    start=$(now)
    env -i PATH="$PATH" HOME="$work/home" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
      HELM_FIRST_CALL="$first" REAL_HELM="$PWD/.tools/helm-3.17.2/helm" RUNNER_TEMP="$work" \
      INPUT_RELEASE=web INPUT_CHART=tests/HelmSentinel.TestSupport/Charts/fixture-web INPUT_HELM="$work/helm" \
      INPUT_KUBECONFIG="$(printf 'apiVersion: v1\nkind: Config\nclusters: []\n')" \
      "$@" >/dev/null 2>&1 || true
    echo "$label run $i: process start to first helm call: $(ms "$start" "$(cat "$first")") ms"
  done
}

first_call framework-dependent dotnet "$work/out/HelmSentinel.Action.dll"
if [[ -n $asset ]]; then
  first_call self-contained "$(realpath "$asset")"
fi
