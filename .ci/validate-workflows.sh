#!/usr/bin/env bash
# Validates action.yml and every workflow under .github/workflows against GitHub's schemas with
# @action-validator/cli (pinned; a dev tool installed into the ignored .tools/ folder, never shipped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=0.6.0
prefix=.tools/action-validator-$version
validator=$prefix/node_modules/.bin/action-validator
if [ ! -x "$validator" ]; then
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error \
    "@action-validator/cli@$version" "@action-validator/core@$version" >/dev/null
fi

status=0
for file in action.yml .github/workflows/*.yml; do
  if "$validator" "$file"; then
    echo "valid: $file"
  else
    echo "INVALID: $file" >&2
    status=1
  fi
done
exit $status
