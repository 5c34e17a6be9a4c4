#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `cmake --install` into a temporary prefix puts the binary, the systemd unit
# and (with the window) the desktop file and icon in their places; the unit
# passes `systemd-analyze verify` and the desktop file desktop-file-validate,
# where those tools are installed (each says so when it is not).
#   check-install.sh BUILD_DIR GUI(ON|OFF)
set -euo pipefail
build=$1
gui=$2
work=$(mktemp -d "$build/install-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/usr

fail() {
    echo "check-install: $*" >&2
    exit 1
}

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || fail "cmake --install failed: $(cat "$work/install.log")"
[[ -x $prefix/bin/herd ]] || fail "no executable $prefix/bin/herd"
unit=$prefix/lib/systemd/system/herd@.service
[[ -f $unit ]] || fail "no unit $unit"
"$prefix/bin/herd" --version >/dev/null || fail "the installed herd does not run"
if [[ $gui == ON ]]; then
    [[ -f $prefix/share/applications/herd.desktop ]] || fail "no desktop file"
    [[ -f $prefix/share/icons/hicolor/scalable/apps/herd.svg ]] || fail "no icon"
fi

# The unit names the binary where the real prefix will put it; verify a copy
# that names the one just installed, as an instance (a node name).
grep -q '^ExecStart=/.*/bin/herd --server ' "$unit" || fail "the unit's ExecStart does not run herd --server"
if command -v systemd-analyze >/dev/null; then
    sed "s#^ExecStart=/[^ ]*/bin/herd #ExecStart=$prefix/bin/herd #" "$unit" >"$work/herd@Alford.service"
    if ! out=$(cd "$work" && systemd-analyze verify ./herd@Alford.service 2>&1) || [[ -n $out ]]; then
        fail "systemd-analyze verify: $out"
    fi
    echo "check-install: the unit passes systemd-analyze verify"
else
    echo "check-install: systemd-analyze is not installed: the unit was not verified"
fi
if [[ $gui == ON ]]; then
    if command -v desktop-file-validate >/dev/null; then
        out=$(desktop-file-validate "$prefix/share/applications/herd.desktop" 2>&1) || fail "desktop-file-validate: $out"
        [[ -z $out ]] || fail "desktop-file-validate: $out"
        echo "check-install: the desktop file passes desktop-file-validate"
    else
        echo "check-install: desktop-file-validate is not installed: the desktop file was not validated"
    fi
fi
echo "check-install: installed and checked in $prefix"
