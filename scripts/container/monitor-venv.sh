#!/usr/bin/env bash
# Makes (once) and prints the python of a test environment for the model monitor's
# checker (src/monitoring/checker), as scripts/checkov.sh does for checkov:
#
#   bash scripts/container/monitor-venv.sh checker    # numpy, scipy, pandas, scikit-learn
#                                                     # pinned as the stock scikit-learn image has them
#   bash scripts/container/monitor-venv.sh evidently  # the same plus evidently (the test-only cross-check)
#
# The environment lives in node_modules/.cache/monitor-<which>-venv-<key> (MONITOR_VENV_ROOT
# in place of node_modules/.cache when set), where the key is a hash of the requirements
# files and the python version, so a changed pin makes a new one. Progress goes to stderr;
# the last line on stdout is the python to run.
set -euo pipefail
cd "$(dirname "$0")/../.."

which=${1:-checker}
case "$which" in
  checker) requirements=test/monitoring/checker/requirements.txt ;;
  evidently) requirements=test/monitoring/checker/requirements-evidently.txt ;;
  *) echo "monitor-venv: unknown environment '$which': use checker or evidently" >&2; exit 2 ;;
esac
python=${MONITOR_VENV_PYTHON:-python3}
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') \
  || { echo "monitor-venv: $python does not run: install python3 (3.10 or newer)" >&2; exit 1; }
key=$(cat test/monitoring/checker/requirements.txt "$requirements" | { cat; echo "python $version"; } | sha256sum | cut -c1-12)
cache=${MONITOR_VENV_ROOT:-node_modules/.cache}
venv=$cache/monitor-$which-venv-$key
mkdir -p "$cache"
# Jest runs suites side by side: one of them makes the environment, the others wait for it.
exec 9>"$cache/monitor-$which-venv.lock"
flock 9
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  echo "monitor-venv: making $venv (python $version, $requirements)" >&2
  "$python" -m venv "$venv" >&2 || { echo "monitor-venv: $python -m venv failed; install python3-venv (apt-get install python3-venv)" >&2; exit 1; }
  started=$(date +%s)
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: -r "$requirements" >&2 \
    || { echo "monitor-venv: pip install -r $requirements failed" >&2; rm -rf "$venv"; exit 1; }
  touch "$venv/.complete"
  echo "monitor-venv: made $venv in $(($(date +%s) - started)) s" >&2
fi
case "$venv" in /*) echo "$venv/bin/python" ;; *) echo "$PWD/$venv/bin/python" ;; esac
