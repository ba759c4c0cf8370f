#!/usr/bin/env bash
# The Azure DevOps extension, from a fresh clone:
#   1. validates task.json against azure-task/task.schema.json with ajv-cli (and checks the schema rejects a
#      task.json with a dashed input name and a Windows-only Process handler);
#   2. lays out the task folder artifacts/azure-task/stage/HelmSentinel: task.json, index.js (the Node shim) and
#      bin/ (framework-dependent `dotnet publish` of azure-task/, run with `dotnet HelmSentinel.AzureTask.dll`);
#   3. checks the laid-out task.json with tfx's task validator (handler targets must exist), smoke-runs the task
#      under node, and runs `tfx extension create` into artifacts/azure-task/*.vsix;
#   4. fails when the .vsix reaches the Marketplace's usual 25 MB limit.
# npm tools are pinned and installed into .tools/azure-npm (ignored). Needs dotnet, node and npm. No network
# other than the npm registry (first run only) and NuGet restore.
# Usage: .ci/package-azure-task.sh [--validate-only]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

tfx_version=0.23.1
ajv_version=5.0.0
max_bytes=$((25 * 1024 * 1024))
npm_dir=$root/.tools/azure-npm
out=$root/artifacts/azure-task

installed() { node -p "require('$npm_dir/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [[ $(installed tfx-cli) != "$tfx_version" || $(installed ajv-cli) != "$ajv_version" ]]; then
  mkdir -p "$npm_dir"
  npm install --prefix "$npm_dir" --no-save --no-audit --no-fund --loglevel=error "tfx-cli@$tfx_version" "ajv-cli@$ajv_version"
fi
ajv=$npm_dir/node_modules/.bin/ajv
tfx=$npm_dir/node_modules/.bin/tfx

echo "== task.json against azure-task/task.schema.json"
"$ajv" validate --spec=draft7 -s azure-task/task.schema.json -d task.json
mkdir -p "$out"
bad=$out/task.bad.json
node -e '
  const t = require(process.argv[1]);
  t.inputs[0].name = "extra-args";
  t.execution = { Process: { target: "HelmSentinel.AzureTask.exe" } };
  require("fs").writeFileSync(process.argv[2], JSON.stringify(t));' "$root/task.json" "$bad"
if "$ajv" validate --spec=draft7 -s azure-task/task.schema.json -d "$bad" >/dev/null 2>&1; then
  echo "error: the schema accepted a task.json with a dashed input name and only a Process handler" >&2
  exit 1
fi
rm -f "$bad"
[[ ${1:-} == --validate-only ]] && exit 0

echo "== task folder"
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/HelmSentinel"
cp task.json azure-task/index.js "$stage/HelmSentinel/"
cp azure-task/vss-extension.json azure-task/overview.md "$stage/"
# ReadyToRun for linux-x64 (hosted Linux agents start it precompiled); the IL stays, so other agents run it jitted.
dotnet publish azure-task/HelmSentinel.AzureTask.csproj -c Release --nologo -v quiet -r linux-x64 --self-contained false \
  -o "$stage/HelmSentinel/bin" -p:DebugType=none -p:UseAppHost=false -p:PublishDocumentationFile=false -p:PublishDocumentationFiles=false
test -f "$stage/HelmSentinel/bin/HelmSentinel.AzureTask.dll"

echo "== smoke test: the laid-out task runs under node (a missing helm must end 'unreachable', exit 4)"
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
set +e
env -i PATH="$PATH" HOME="$smoke" DOTNET_ROOT="${DOTNET_ROOT:-}" AGENT_TEMPDIRECTORY="$smoke" \
  INPUT_CONNECTIONTYPE=none INPUT_RELEASE=smoke INPUT_CHART="$root/tests/HelmSentinel.TestSupport/Charts/fixture-web" \
  INPUT_HELMPATH=/nonexistent/helm node "$stage/HelmSentinel/index.js" >"$smoke/out.txt" 2>&1
code=$?
set -e
if [[ $code != 4 ]] || ! grep -q '^##vso\[build.addbuildtag\]helm-sentinel:unreachable$' "$smoke/out.txt"; then
  cat "$smoke/out.txt" >&2
  echo "error: the packaged task exited $code instead of 4" >&2
  exit 1
fi

echo "== task.json through tfx's own task validator (the one 'tfx build tasks upload' runs: id, name, handler targets present)"
node -e "require(process.argv[1]).validate(process.argv[2])" \
  "$npm_dir/node_modules/tfx-cli/_build/lib/jsonvalidate.js" "$stage/HelmSentinel/task.json"

echo "== tfx extension create"
rm -f "$out"/*.vsix
(cd "$stage" && "$tfx" extension create --manifest-globs vss-extension.json --output-path "$out" --no-prompt)
vsix=$(ls "$out"/*.vsix)
size=$(stat -c %s "$vsix")
echo "$vsix: $size bytes (limit $max_bytes)"
listing=$(unzip -Z1 "$vsix")
for f in HelmSentinel/task.json HelmSentinel/index.js HelmSentinel/bin/HelmSentinel.AzureTask.dll; do
  grep -qx "$f" <<<"$listing" || { echo "error: $f is not in the .vsix" >&2; exit 1; }
done
if (( size >= max_bytes )); then
  echo "error: the .vsix is over the Marketplace's usual 25 MB limit" >&2
  exit 1
fi
