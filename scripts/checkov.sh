#!/usr/bin/env bash
# checkov, the CloudFormation scanner teams run, over every template the tests
# keep: the reference app (examples/out, after `npx projen example`) and the
# integ snapshots. The integ-tests assertion stacks (*DeployAssert*) are left
# out: they hold integ-tests-alpha's own Lambda, not this library's resources.
# Every skip is written into the template by the library with its reason
# (Metadata.checkov.skip); anything else fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
version=3.3.30
venv=node_modules/.cache/checkov-venv-$version
if [ ! -x "$venv/bin/checkov" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "checkov: python3 -m venv failed; install python3-venv (apt-get install python3-venv)"; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$version" \
    || { echo "checkov: pip install checkov==$version failed"; exit 1; }
fi
files=()
for f in examples/out/*.template.json integ/*.snapshot/*.template.json; do
  case "$f" in *DeployAssert*) ;; *) files+=("$f") ;; esac
done
if [ ${#files[@]} -eq 0 ]; then
  echo "checkov: no templates found; run npx projen example first"; exit 1
fi
# Templates checkov passed before, byte for byte, are not scanned again (scripts/scan-cache.js).
node scripts/scan-cache.js checkov "$version" -f \
  "$venv/bin/checkov" --framework cloudformation --compact --quiet --skip-download --files "${files[@]}"
