#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that every tracked C++ file is formatted as .clang-format says
# (Debian's clang-format). CI runs it as the `format` stage.
#
#   tools/check-format.sh         list the files that differ; exit 1 if any
#   tools/check-format.sh --fix   format them in place
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null; then
    echo "check-format: clang-format is not installed (tools/install-deps.sh installs it)" >&2
    exit 2
fi

mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [[ ${1:-} == --fix ]]; then
    clang-format -i "${files[@]}"
    echo "check-format: formatted ${#files[@]} file(s)"
    exit 0
fi

bad=()
for file in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
        bad+=("$file")
    fi
done
if ((${#bad[@]})); then
    echo "check-format: ${#bad[@]} of ${#files[@]} file(s) are not formatted (fix: tools/check-format.sh --fix):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "check-format: ${#files[@]} file(s), all formatted"
