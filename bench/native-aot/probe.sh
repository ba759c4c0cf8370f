#!/usr/bin/env bash
# Issue 17's Native AOT measurement, kept so that it can be run again when the serialisers change: publishes the CLI
# with PublishAot (the trim and AOT analysis warnings reported, not fatal, as the build otherwise treats them), prints
# the warnings by assembly, times `helm-sentinel --help` for the AOT and the jitted build (process start to exit,
# medians of RUNS), and runs `helm-sentinel demo` on the AOT build: the CLI would ship as AOT only if every command
# works, and the demo's first deploy is the first thing that must.
# Usage: bench/native-aot/probe.sh [runs] [ROOTED] [OUT]   ROOTED=rooted also roots KubernetesClient, YamlDotNet, Octokit
#        and HelmSentinel for the trimmer and turns reflection-based System.Text.Json back on (the cheap way to try);
#        OUT keeps the AOT executable there, for the benchmark's fixed-cost rows (`--asset OUT/helm-sentinel`).
# Needs .ci/fetch-tools.sh (helm) and `dotnet build -c Release` (the jitted build). Takes 6-10 minutes on 2 cores.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-5}
rooted=${2:-}
out=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }

extra=()
if [[ $rooted == rooted ]]; then
  cat > "$work/roots.props" <<'PROPS'
<Project>
  <ItemGroup>
    <TrimmerRootAssembly Include="KubernetesClient" />
    <TrimmerRootAssembly Include="YamlDotNet" />
    <TrimmerRootAssembly Include="Octokit" />
    <TrimmerRootAssembly Include="HelmSentinel" />
  </ItemGroup>
</Project>
PROPS
  extra=(-p:JsonSerializerIsReflectionEnabledByDefault=true "-p:CustomAfterMicrosoftCommonTargets=$work/roots.props")
fi

echo "publishing the CLI with PublishAot=true ${rooted:+(rooted)}..."
dotnet publish src/HelmSentinel.Cli/HelmSentinel.Cli.csproj -c Release -r linux-x64 -p:PublishAot=true \
  -p:TreatWarningsAsErrors=false -p:MSBuildTreatWarningsAsErrors=false "${extra[@]}" \
  -o "$work/aot" --nologo > "$work/publish.log" 2>&1
rc=$?
echo "publish exit code $rc; trim/AOT warnings by assembly or member:"
grep -oE 'warning IL[0-9]+: [^:(]+' "$work/publish.log" | sort | uniq -c | sort -rn | head -20
[[ $rc == 0 ]] || { tail -n 20 "$work/publish.log"; exit 1; }
ls -l "$work/aot/helm-sentinel"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_help() { # command...
  for _ in $(seq "$runs"); do
    local s; s=$(now); "$@" --help > /dev/null 2>&1; echo $(( ($(now) - s) / 1000000 ))
  done | median
}
jitted=src/HelmSentinel.Cli/bin/Release/net10.0/helm-sentinel
[[ -x $jitted ]] && echo "--help, jitted build:     $(time_help "$jitted") ms (median of $runs)"
echo "--help, Native AOT build: $(time_help "$work/aot/helm-sentinel") ms (median of $runs)"

echo "the demo on the Native AOT build:"
mkdir "$work/home"
env -i PATH=/usr/bin:/bin HOME="$work/home" timeout 300 "$work/aot/helm-sentinel" demo --helm "$PWD/.tools/helm-4.1.4/helm" \
  > "$work/demo.txt" 2>&1
code=$?
grep -v '^   at \|^--- End of' "$work/demo.txt" | tail -n 15
echo "demo exit code $code"
if [[ -n $out ]]; then
  mkdir -p "$out" && cp "$work/aot/helm-sentinel" "$out/"
  echo "kept $out/helm-sentinel; its fixed cost beside the other builds:"
  echo "  dotnet run -c Release --project bench/HelmSentinel.Bench -- --timeout 20s --repeat 3 --only fixed --asset $out/helm-sentinel"
fi
