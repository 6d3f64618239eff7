#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds voxedge (release), and starts
# it in the foreground. With no arguments it runs on the built-in default configuration
# (loopback listeners, a generated self-signed TLS certificate, in-memory state); any
# arguments are passed to voxedge, e.g. `scripts/run.sh --config my.yaml`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
build="$root/build/release"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVOXEDGE_TESTS=OFF -DVOXEDGE_BENCHMARKS=OFF >/dev/null
fi
cmake --build "$build" --target voxedge -j "$(nproc)"
exec "$build/daemon/voxedge" "$@"
