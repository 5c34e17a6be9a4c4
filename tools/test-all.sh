#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs, builds and runs every test of Herd: the README's test command,
# and what CI runs (.ci/run calls this and nothing else).
#
#   1. deps        tools/install-deps.sh (Debian packages only)
#      format      tools/check-format.sh: every C++ file as .clang-format says
#                  (Debian's clang-format; fix with tools/check-format.sh --fix)
#      links       tools/check-links.sh --outside-refs (python3, from deps): every
#                  relative link in the docs resolves, and no file names one
#                  outside the repository
#   2. build       the normal build (RelWithDebInfo, build/)
#   3. test        every CTest suite
#      headless    the "headless" preset: no GUI (no Qt Widgets, no QCustomPlot):
#                  the herd and the suites that run it (label binary), built and
#                  run in build-headless/: nothing outside ui/ may come to need
#                  the GUI
#      torture     herd-torture for TORTURE_SECONDS (default 60): five herd
#                  processes under bursts, kills, stops, cuts, storms and a
#                  stranger; every acknowledged update must survive (bench/README.md)
#   4. asan-build  the "asan" preset: Debug, AddressSanitizer + UBSan (build-asan/)
#   5. asan-test   every CTest suite again under the sanitizers
#   6. fuzz-build  the "fuzz" preset: clang, libFuzzer targets (build-fuzz/)
#   7. fuzz        each fuzzer for FUZZ_SECONDS (default 45) from the committed
#                  seeds, into a temporary copy of them (fuzz/corpus/ is never
#                  written); a crash, leak or hang fails the run and its
#                  reproducer path is printed
#
# Prints how long each stage took. Stops at the first failing stage.
# Environment: FUZZ_SECONDS (per fuzzer), TORTURE_SECONDS, JOBS (build and test parallelism,
# default 2: the machines this runs on have 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

fuzzSeconds=${FUZZ_SECONDS:-45}
jobs=${JOBS:-2}
stageNames=()
stageTimes=()
current=""
started=0

report() {
    local i
    echo
    echo "test-all: stage times (the machine may be shared: compare within one run)"
    for i in "${!stageNames[@]}"; do
        printf '  %-11s %6ds\n' "${stageNames[$i]}" "${stageTimes[$i]}"
    done
    if [[ -n $current ]]; then
        printf '  %-11s %6ds  FAILED\n' "$current" $((SECONDS - started))
    fi
    printf '  %-11s %6ds\n' total "$SECONDS"
}
trap report EXIT

stage() { # name, then the command
    current=$1
    shift
    echo
    echo "=== test-all: $current"
    started=$SECONDS
    "$@"
    stageNames+=("$current")
    stageTimes+=($((SECONDS - started)))
    current=""
}

# ccache, when installed, makes a rerun rebuild only what changed; without it
# everything still builds, just from scratch.
# CCACHE_BASEDIR and CCACHE_NOHASHDIR let a fresh clone in another folder (as
# CI makes) reuse objects compiled from the same sources elsewhere: paths
# under this tree are hashed relative to it (debug info then names relative
# paths, which is fine for tests).
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi

# One fuzzer: a temporary copy of its committed seeds is the corpus it grows,
# so fuzz/corpus/ stays as committed. Findings go to build-fuzz/findings/.
fuzzOne() { # target, corpus name, extra libFuzzer flags...
    local target=$1 name=$2
    shift 2
    local work findings status=0
    work=$(mktemp -d "${TMPDIR:-/tmp}/herd-$target.XXXXXX")
    findings=$PWD/build-fuzz/findings/$target
    mkdir -p "$work/corpus" "$findings"
    cp -R "fuzz/corpus/$name/." "$work/corpus/"
    echo "fuzz: $target for ${fuzzSeconds}s from $(find "$work/corpus" -type f | wc -l) seeds (fuzz/corpus/$name, copied to $work/corpus)"
    # Leaks are checked (LeakSanitizer at exit and -detect_leaks), with the
    # same suppressions as the asan suite: leaks inside Qt, never ours.
    LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
        "build-fuzz/bin/$target" -max_total_time="$fuzzSeconds" -print_final_stats=1 \
        -artifact_prefix="$findings/" "$@" "$work/corpus" >"$work/log" 2>&1 || status=$?
    if ((status != 0)); then
        tail -n 80 "$work/log"
        echo
        echo "test-all: $target FAILED (exit $status). Full log: $work/log"
        local file
        for file in "$findings"/*; do
            [[ -f $file ]] || continue
            echo "  reproducer: $file"
            echo "  replay it:  build-fuzz/bin/$target $file"
        done
        return 1
    fi
    grep -E '^Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb' "$work/log" | sed 's/^/  /' || true
    echo "  corpus grew from $(find "fuzz/corpus/$name" -type f | wc -l) to $(find "$work/corpus" -type f | wc -l) inputs (discarded)"
    rm -rf "$work"
}

fuzzAll() {
    rm -rf build-fuzz/findings
    fuzzOne fuzz_protocol protocol
    # A node run uses real sockets and the event loop: allow it 10 s per input
    # before libFuzzer calls it a hang (the target's own deadline is 3 s).
    fuzzOne fuzz_node node -timeout=10
}

stage deps tools/install-deps.sh
stage format tools/check-format.sh
stage links tools/check-links.sh --outside-refs
stage build bash -c "cmake -S . -B build -G Ninja ${launcher[*]} && cmake --build build -j $jobs"
stage test ctest --test-dir build --output-on-failure -j "$jobs"
stage headless bash -c "cmake --preset headless ${launcher[*]} && cmake --build --preset headless -j $jobs --target binary_suites && ctest --preset headless -j $jobs"
stage torture build/bin/herd-torture --seconds "${TORTURE_SECONDS:-60}"
stage asan-build bash -c "cmake --preset asan ${launcher[*]} && cmake --build --preset asan -j $jobs"
stage asan-test ctest --preset asan -j "$jobs"
stage fuzz-build bash -c "cmake --preset fuzz ${launcher[*]} && cmake --build --preset fuzz -j $jobs --target fuzz_protocol fuzz_node"
stage fuzz fuzzAll
echo
echo "test-all: every stage passed"
