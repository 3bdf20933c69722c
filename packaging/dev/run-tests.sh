#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, checks the formatting, and runs
# every test (each suite on its own embedded PostgreSQL), runs each fuzz target for 30 s (clang, ASan and
# UBSan), then builds the Debian packages and tests them by installing them. CI runs exactly this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build-ci"

"$root/packaging/dev/install-deps.sh"

echo "== formatting (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -n1))"
cd "$root"
unformatted=$(git ls-files '*.cpp' '*.h' | xargs -r clang-format --dry-run --Werror 2>&1 | grep -o '^[^:]*:[0-9]*' | cut -d: -f1 | sort -u || true)
if [ -n "$unformatted" ]; then
    echo "These files are not formatted (run clang-format -i on them):" >&2
    echo "$unformatted" >&2
    exit 1
fi

echo "== build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFTLINE_WERROR=ON
cmake --build "$build"

echo "== translations are current"
# lupdate rewrites the .ts files from the sources: a difference means text changed without them.
cmake --build "$build" --target liftline-console_lupdate >/dev/null
if ! git -C "$root" diff --quiet -- translations/; then
    echo "translations/*.ts do not match the console's text: run" >&2
    echo "  cmake --build build --target liftline-console_lupdate" >&2
    echo "then translate the new entries (tst_translations lists them) and commit the .ts files." >&2
    git -C "$root" diff --stat -- translations/ >&2
    exit 1
fi

echo "== tests"
cd "$build"
ctest --output-on-failure --timeout 900 -j 2

echo "== fuzzing: each target 30 s under ASan and UBSan (LIFTLINE_FUZZ_SECONDS to change)"
cd "$root"
cmake --preset asan >/dev/null
cmake --build --preset asan --target fuzzers
"$root/tests/fuzz/run-fuzzers.sh" "$root/build-asan" "${LIFTLINE_FUZZ_SECONDS:-30}"

echo "== packages"
cd "$build"
# The Debian packages, installed on this machine, run, and purged again (packaging/test-packages.sh). That
# needs root and a machine where systemd does not run services (a CI container): elsewhere it is skipped.
cpack -G DEB >/dev/null
if [ "$(id -u)" -eq 0 ] && [ ! -d /run/systemd/system ]; then
    "$root/packaging/test-packages.sh" "$build"
else
    echo "skipped: run packaging/test-packages.sh $build as root on a machine without systemd to test them"
fi
