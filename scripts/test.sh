#!/usr/bin/env bash
# Quick start, command 2: installs what is missing (build and test peers), builds, and runs
# the whole test suite: unit and integration tests (release build), the unit tests again
# under ASan+UBSan, and a bounded run of every libFuzzer target (clang-16).
# Environment: VOXEDGE_FUZZ_SECONDS (per target, default 30), VOXEDGE_SKIP_ASAN=1,
# VOXEDGE_SKIP_FUZZ=1 for quicker local runs. CI runs it all.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc)
fuzz_seconds=${VOXEDGE_FUZZ_SECONDS:-30}
passed=0
failed=0

step() { printf '\n==> %s\n' "$*"; }

# Runs ctest in a build dir and adds its counts to the totals.
run_ctest() {
  local dir=$1
  shift
  local log
  log=$(mktemp)
  set +e
  (cd "$dir" && ctest --output-on-failure --timeout 300 -j "$jobs" "$@") 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [[ -n "$line" ]]; then
    local total nfail
    nfail=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  elif [[ $rc -ne 0 ]]; then
    failed=$((failed + 1))
  fi
  rm -f "$log"
  return 0
}

step "installing dependencies"
"$root/scripts/install-deps.sh" --test

step "release build"
cmake -S "$root" -B "$root/build/test-release" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build/test-release" -j "$jobs"

step "unit and integration tests"
run_ctest "$root/build/test-release"

if [[ "${VOXEDGE_SKIP_ASAN:-0}" != 1 ]]; then
  step "unit tests under ASan+UBSan"
  cmake -S "$root" -B "$root/build/test-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVOXEDGE_SANITIZE=ON \
    -DVOXEDGE_BENCHMARKS=OFF >/dev/null
  cmake --build "$root/build/test-asan" -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest "$root/build/test-asan" -L unit
fi

if [[ "${VOXEDGE_SKIP_FUZZ:-0}" != 1 ]] && command -v clang++-16 >/dev/null; then
  step "fuzz targets, ${fuzz_seconds}s each"
  CC=clang-16 CXX=clang++-16 cmake -S "$root" -B "$root/build/test-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVOXEDGE_FUZZ=ON >/dev/null
  cmake --build "$root/build/test-fuzz" -j "$jobs"
  for target in "$root"/build/test-fuzz/tests/fuzz/*_fuzz; do
    name=$(basename "$target")
    seeds="$root/tests/fuzz/corpus/${name%_fuzz}"
    work=$(mktemp -d)
    if "$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
      "$work" "$seeds" >"$work.log" 2>&1; then
      echo "fuzz $name: ok ($(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$work.log" | tail -n 1)s)"
      passed=$((passed + 1))
    else
      echo "fuzz $name: FAILED"
      tail -n 40 "$work.log"
      failed=$((failed + 1))
    fi
    rm -rf "$work" "$work.log"
  done
fi

echo
echo "voxedge: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
