# The model monitor's part of the container stage; scripts/container/stage.sh sources it
# (so it shares the stage's suite, mirror, phase and fail) before the suites run.
#
#   1. makes an image of the stock scikit-learn image's shape without a registry: Debian's
#      python3 with numpy, scipy, pandas and scikit-learn (debootstrap --include, docker
#      import), cached in the engine under a tag named by its content, as the base image is;
#   2. makes the Evidently cross-check's python (scripts/container/monitor-venv.sh evidently)
#      in a cache that outlives the work tree (each CI run starts from a fresh clone, and
#      Evidently is some 80 packages), keyed by its pinned requirements;
#   3. exports MONITOR_STAGE_IMAGE and MONITOR_EVIDENTLY_PYTHON for test/container-stage/monitor*.test.ts.
# Returns non-zero (with the reason on stderr) when it cannot.

monitor_packages=python3,python3-numpy,python3-scipy,python3-pandas,python3-sklearn
monitor_suite=${suite:-bookworm}
monitor_key=$(printf 'debootstrap --variant=minbase %s --include=%s\n' "$monitor_suite" "$monitor_packages" | sha256sum | cut -c1-12)
export MONITOR_STAGE_IMAGE="cdk-sagemaker-github-sklearn:$monitor_suite-$monitor_key"

monitor_image() {
  if docker image inspect "$MONITOR_STAGE_IMAGE" >/dev/null 2>&1; then
    echo "container stage: monitor image $MONITOR_STAGE_IMAGE (cached)"
    return 0
  fi
  local stage_dir=${STAGE:-.container-stage}
  local rootfs="$stage_dir/rootfs-monitor-$monitor_key"
  local mirror_url=${mirror:-}
  [[ -n $mirror_url ]] || { echo "container stage: no Debian mirror for the monitor image" >&2; return 1; }
  rm -rf "$rootfs"
  echo "container stage: making $MONITOR_STAGE_IMAGE with debootstrap ($monitor_suite, $monitor_packages)"
  if ! debootstrap --variant=minbase --include="$monitor_packages" "$monitor_suite" "$rootfs" "$mirror_url" >"$stage_dir/debootstrap-monitor.log" 2>&1; then
    tail -5 "$stage_dir/debootstrap-monitor.log" >&2
    echo "container stage: debootstrap of the monitor image failed (log: $stage_dir/debootstrap-monitor.log)" >&2
    return 1
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$MONITOR_STAGE_IMAGE" >/dev/null || { echo "container stage: docker import of $rootfs failed" >&2; return 1; }
  rm -rf "$rootfs"
}

monitor_evidently() {
  export MONITOR_VENV_ROOT=${MONITOR_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk-sagemaker-github}
  local python
  python=$(bash scripts/container/monitor-venv.sh evidently) || { echo "container stage: the Evidently cross-check's python could not be made" >&2; return 1; }
  export MONITOR_EVIDENTLY_PYTHON=$python
  echo "container stage: Evidently cross-check python $MONITOR_EVIDENTLY_PYTHON"
}

monitor_image && { declare -F phase >/dev/null && phase monitor_image; true; } && monitor_evidently && { declare -F phase >/dev/null && phase monitor_evidently; true; }
