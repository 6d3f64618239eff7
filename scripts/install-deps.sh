#!/usr/bin/env bash
# Installs every Debian package voxedge needs to build, run and test, and nothing twice:
# packages already present are skipped, so this is cheap on a machine that has them.
# Usage: scripts/install-deps.sh [--test]   (--test adds the peers the test suite drives)
set -euo pipefail

build_pkgs=(
  build-essential g++-12 cmake ninja-build pkg-config git openssl ca-certificates
  libboost-dev libboost-system-dev libboost-program-options-dev
  libssl-dev libsrtp2-dev libopus-dev libspandsp-dev libc-ares-dev
  prometheus-cpp-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libsystemd-dev
)
test_pkgs=(
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang-16 libclang-rt-16-dev
  sip-tester stunnel4 curl systemd iproute2 procps python3
  baresip-core sox kamailio kamailio-tls-modules
)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
