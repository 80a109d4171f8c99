#!/usr/bin/env bash
# The container stage (npx projen container; the build runs it unless SKIP_CONTAINER=1).
#
#   1. installs what a fresh machine lacks (as root, from Debian's packages):
#      docker.io, debootstrap, docker-compose (the SageMaker SDK's local mode
#      starts its containers with it), python3-venv;
#   2. uses the running Docker engine, or starts dockerd and stops it at the end;
#   3. makes the base image without a registry (debootstrap + docker import),
#      cached in the engine under a tag named by its content (suite + packages);
#   4. builds examples/container FROM it through the BASE_IMAGE build argument;
#   5. makes local-run's python side (pinned, src/cli/requirements.txt) in
#      .container-stage/venv;
#   6. runs the suites of test/container-stage/ (jest --json into
#      test-reports/container-results.json, which .ci/run counts).
# Timings go to test-reports/container-timings.json.
set -uo pipefail
cd "$(dirname "$0")/../.."

STAGE=.container-stage
REPORTS=test-reports
mkdir -p "$STAGE" "$REPORTS"
rm -f "$REPORTS/container-results.json"

# The starter needs python3 alone (standard library only). The tag is the content key.
SUITE_DEFAULT=bookworm
BASE_PACKAGES=python3
STARTER_IMAGE=cdk-sagemaker-github-starter:stage

declare -a TIMINGS=()
stage_started=$(date +%s.%N)
phase_started=$stage_started
phase() { # phase NAME: closes the phase that ran since the last call
  local now; now=$(date +%s.%N)
  TIMINGS+=("$1=$(awk -v a="$now" -v b="$phase_started" 'BEGIN { printf "%.1f", a - b }')")
  phase_started=$now
}
fail() {
  echo "container stage: $*" >&2
  exit 1
}

# ---------------------------------------------------------------- 1. tools

missing=()
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v dockerd >/dev/null 2>&1 || docker info >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  missing+=(docker-compose)
fi
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if ((${#missing[@]} > 0)); then
  packages=$(printf '%s\n' "${missing[@]}" iptables | sort -u | tr '\n' ' ')
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    fail "this machine lacks ${missing[*]}: install them (as root: apt-get install $packages), or skip the stage with SKIP_CONTAINER=1"
  fi
  echo "container stage: installing $packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages; } \
    >"$STAGE/apt.log" 2>&1 || fail "apt-get install $packages failed (see $STAGE/apt.log): install them by hand, or skip the stage with SKIP_CONTAINER=1"
fi
phase install

# ---------------------------------------------------------------- 2. the engine

DOCKERD_PID=
stop_dockerd() {
  [[ -n $DOCKERD_PID ]] || return 0
  kill "$DOCKERD_PID" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$DOCKERD_PID" 2>/dev/null || { DOCKERD_PID=; return 0; }; sleep 0.5; done
  kill -9 "$DOCKERD_PID" 2>/dev/null
  DOCKERD_PID=
}
trap stop_dockerd EXIT

start_dockerd() { # start_dockerd [flags...]: starts it in the background, waits up to 30 s
  dockerd "$@" >"$STAGE/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  stop_dockerd
  return 1
}

if docker info >/dev/null 2>&1; then
  echo "container stage: using the running docker engine ($(docker info --format '{{.ServerVersion}}'))"
else
  [[ $(id -u) -eq 0 ]] || fail "no docker engine answers (docker info failed), and starting dockerd needs root: start one, or skip the stage with SKIP_CONTAINER=1"
  if start_dockerd; then
    echo "container stage: started dockerd (pid $DOCKERD_PID)"
  elif start_dockerd --storage-driver=vfs --iptables=false --bridge=none; then
    echo "container stage: started dockerd with --storage-driver=vfs --iptables=false --bridge=none (pid $DOCKERD_PID)"
  else
    tail -5 "$STAGE/dockerd.log" >&2
    fail "dockerd did not start, with or without --storage-driver=vfs --iptables=false --bridge=none (log: $STAGE/dockerd.log): start a docker engine yourself, or skip the stage with SKIP_CONTAINER=1"
  fi
fi
phase engine

# ---------------------------------------------------------------- 3. the base image

# The Debian mirror and suite apt uses here, read at run time (deb822 or one-line format).
suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
suite=${suite:-$SUITE_DEFAULT}
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
[[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
key=$(printf 'debootstrap --variant=minbase %s --include=%s\n' "$suite" "$BASE_PACKAGES" | sha256sum | cut -c1-12)
BASE_IMAGE="cdk-sagemaker-github-base:$suite-$key"
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "container stage: base image $BASE_IMAGE (cached)"
else
  [[ -n $mirror ]] || fail "no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list: debootstrap needs one"
  rootfs="$STAGE/rootfs-$key"
  rm -rf "$rootfs"
  echo "container stage: making $BASE_IMAGE with debootstrap ($suite, $BASE_PACKAGES)"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$suite" "$rootfs" "$mirror" >"$STAGE/debootstrap.log" 2>&1 \
    || { tail -5 "$STAGE/debootstrap.log" >&2; fail "debootstrap $suite failed (log: $STAGE/debootstrap.log)"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null || fail "docker import of $rootfs failed"
  rm -rf "$rootfs"
fi
phase base_image

# ---------------------------------------------------------------- 4. the starter image

docker build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$STARTER_IMAGE" examples/container >"$STAGE/build.log" 2>&1 \
  || { cat "$STAGE/build.log" >&2; fail "docker build of examples/container FROM $BASE_IMAGE failed"; }
phase starter_image

# ---------------------------------------------------------------- 5. python, synthesized apps

export CDK_SAGEMAKER_GITHUB_VENV="$PWD/$STAGE/venv"
npx ts-node --transpile-only --prefer-ts-exts scripts/container/prepare-python.ts || fail "could not make local-run's python environment in $CDK_SAGEMAKER_GITHUB_VENV"
phase python

# The reference app (examples/out, from `npx projen example`) and the integ apps with pipelines.
if [[ ! -f examples/out/manifest.json ]]; then
  npx projen example >"$STAGE/example.log" 2>&1 || { tail -20 "$STAGE/example.log" >&2; fail "npx projen example failed"; }
fi
for app in training endpoint-batch; do
  rm -rf "$STAGE/integ/$app"
  CDK_OUTDIR="$PWD/$STAGE/integ/$app" npx ts-node --transpile-only --prefer-ts-exts "integ/integ.$app.ts" >"$STAGE/integ-$app.log" 2>&1 \
    || { tail -20 "$STAGE/integ-$app.log" >&2; fail "synthesizing integ/integ.$app.ts failed"; }
done
phase synth
source scripts/container/monitor.sh || fail "the model monitor's stock-image-shaped image or Evidently's python could not be made (scripts/container/monitor.sh)"

# ---------------------------------------------------------------- 6. the suites

export CONTAINER_STAGE_IMAGE="$STARTER_IMAGE" CONTAINER_STAGE_BASE_IMAGE="$BASE_IMAGE"
export CONTAINER_STAGE_DIR="$PWD/$STAGE"
npx jest --ci --runInBand --coverage=false --reporters=default --testPathIgnorePatterns=/node_modules/ \
  --testMatch='<rootDir>/test/container-stage/**/*.test.ts' \
  --json --outputFile="$REPORTS/container-results.json" "$@"
status=$?
phase tests

stop_dockerd
phase stop_engine

TIMINGS+=("total=$(awk -v a="$(date +%s.%N)" -v b="$stage_started" 'BEGIN { printf "%.1f", a - b }')")
node -e '
const fs = require("fs");
const phases = Object.fromEntries(process.argv.slice(1).map((kv) => kv.split("=")).map(([k, v]) => [k, Math.round(Number(v) * 10) / 10]));
const suites = {};
const results = "test-reports/container-results.json";
if (fs.existsSync(results)) {
  for (const s of JSON.parse(fs.readFileSync(results, "utf8")).testResults) {
    suites[require("path").relative(process.cwd(), s.name)] = Math.round((s.endTime - s.startTime) / 100) / 10;
  }
}
const report = { seconds: phases, suiteSeconds: suites, machine: { cores: require("os").cpus().length } };
fs.writeFileSync("test-reports/container-timings.json", JSON.stringify(report, null, 2) + "\n");
console.log(`container stage timings (s): ${Object.entries(phases).map(([k, v]) => `${k} ${v}`).join(", ")}`);
' "${TIMINGS[@]}"
exit $status
