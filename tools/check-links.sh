#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the links of Herd's Markdown files, so the docs stay walkable.
#
#   tools/check-links.sh                 links only
#   tools/check-links.sh --outside-refs  links, and no tracked file may name
#                                        a file outside the repository
#
# Links: every tracked *.md file (git ls-files) is read for relative
# Markdown links, [text](path), [text](path#anchor), ![alt](path), and
# reference definitions ([name]: path). Each path, taken relative to the
# file that holds it, must be a tracked file or a folder holding one. An
# anchor, in the same file (#anchor) or in another .md file, must be a
# heading there, named by GitHub's rules: the heading's text, lower-cased,
# without punctuation other than "-" and "_", spaces turned into "-", and a
# repeated heading numbered "-1", "-2", ... Links with a scheme (http:,
# https:, mailto:, ...) are not checked. Links inside code (fenced blocks,
# indented blocks, `code spans`) are not links and are skipped.
#
# Outside references (--outside-refs): any tracked file, of any type, that
# names one of the team's own files kept outside the repository (the
# patterns are in OUTSIDE_PATTERNS below) fails the check. The docs describe
# Herd in their own words and must not send a reader elsewhere.
#
# Prints each problem as "file:line: link -- why" and exits 1 if there is
# any, 0 if none, 2 for a bad command line. Needs bash, git and python3.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"

# Written as regular expressions so that this script does not name them itself.
OUTSIDE_PATTERNS=('\.\./shared' 'PROTOCOL\.md' 'DESIGN\.md' 'STYLE\.md')

usage() {
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
}

outside=false
for arg in "$@"; do
    case $arg in
    --outside-refs) outside=true ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        echo "check-links: unknown argument \"$arg\"" >&2
        usage >&2
        exit 2
        ;;
    esac
done

if ! command -v python3 >/dev/null; then
    echo "check-links: python3 is needed" >&2
    exit 2
fi

status=0

checkLinks() {
    python3 - <<'PY'
import os
import re
import subprocess
import sys
import unicodedata
from urllib.parse import unquote


def git_files(*patterns):
    out = subprocess.run(["git", "ls-files", "-z", "--", *patterns],
                         check=True, capture_output=True).stdout
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


tracked = set(git_files())
folders = set()
for path in tracked:
    parent = os.path.dirname(path)
    while parent and parent not in folders:
        folders.add(parent)
        parent = os.path.dirname(parent)
markdown = sorted(p for p in git_files("*.md"))

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"           # [text], one level of nested [..]
    r"\(\s*(<[^<>\n]*>|[^\s()]+)"                # (destination
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?"  #  "optional title"
    r"\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^<>]*>|\S+)")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
HTML_ANCHOR = re.compile(r"<a\s[^>]*\b(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.I)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose_lines(text):
    """Yields (line number, line) for lines that are not code, and marks
    each with whether it could be a paragraph line (for setext headings)."""
    in_fence = None
    list_column = None  # content column of the list we are in, if any
    previous_blank = True
    in_indented_code = False
    for number, line in enumerate(text.split("\n"), 1):
        expanded = line.expandtabs(4)
        stripped = expanded.strip()
        if in_fence:
            if re.match(r"^ {0,3}" + re.escape(in_fence[0]) + "{%d,}\\s*$" % len(in_fence), expanded):
                in_fence = None
            previous_blank = False
            continue
        fence = FENCE.match(expanded)
        if fence:
            in_fence = fence.group(1)
            in_indented_code = False
            previous_blank = False
            continue
        if not stripped:
            previous_blank = True
            yield number, line, "blank"
            continue
        indent = len(expanded) - len(expanded.lstrip(" "))
        item = LIST_ITEM.match(expanded)
        base = list_column if list_column is not None else 0
        if indent >= base + 4 and (previous_blank or in_indented_code) and not item:
            in_indented_code = True
            previous_blank = False
            continue
        in_indented_code = False
        if item:
            list_column = len(item.group(1)) + len(item.group(2)) + max(1, len(item.group(3)))
        elif list_column is not None and indent < list_column and previous_blank:
            list_column = None
        previous_blank = False
        yield number, line, "text"


def strip_code_spans(line):
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def heading_text(raw):
    text = re.sub(r"[ \t]+#+[ \t]*$", "", raw).strip()
    if re.fullmatch(r"#+", text):
        text = ""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)         # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)      # links: their text
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)     # reference links
    text = re.sub(r"<[^>]+>", "", text)                       # HTML tags
    text = re.sub(r"(`+)(.+?)\1", lambda m: m.group(2).strip(), text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)", r"\1", text)
    return text.strip()


def slug(text):
    kept = []
    for ch in text.lower():
        if ch in " -_" or unicodedata.category(ch)[0] in "LMN":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


anchor_cache = {}


def anchors_of(path):
    if path in anchor_cache:
        return anchor_cache[path]
    anchors = set()
    seen = {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        anchor_cache[path] = None
        return None

    def add(base):
        if base in seen:
            seen[base] += 1
            name = "%s-%d" % (base, seen[base])
        else:
            seen[base] = 0
            name = base
        anchors.add(name)

    previous = None  # the previous line, if it could be a paragraph line
    for number, line, kind in prose_lines(text):
        if kind == "blank":
            previous = None
            continue
        for name in HTML_ANCHOR.findall(line):
            anchors.add(name.lower())
        atx = ATX.match(line)
        if atx:
            add(slug(heading_text(atx.group(2) or "")))
            previous = None
            continue
        setext = SETEXT.match(line)
        if setext and previous is not None:
            add(slug(heading_text(previous)))
            previous = None
            continue
        starts_block = re.match(r"^ {0,3}([-*+] |\d+[.)] |>|\||<)", line)
        previous = None if starts_block else line
    anchor_cache[path] = anchors
    return anchors


problems = []
checked = 0
for source in markdown:
    try:
        with open(source, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        problems.append("%s:1: (the file itself) -- cannot be read: %s" % (source, error.strerror))
        continue
    folder = os.path.dirname(source)
    for number, line, kind in prose_lines(text):
        if kind != "text":
            continue
        line = strip_code_spans(line)
        destinations = [m.group(1) for m in INLINE_LINK.finditer(line)]
        reference = REFERENCE.match(line)
        if reference:
            destinations.append(reference.group(1))
        for destination in destinations:
            link = destination[1:-1] if destination.startswith("<") else destination
            if not link or SCHEME.match(link) or link.startswith("//"):
                continue
            checked += 1
            path, _, anchor = link.partition("#")
            path = unquote(path.split("?", 1)[0])
            if path:
                if path.startswith("/"):
                    target = os.path.normpath(path.lstrip("/"))
                else:
                    target = os.path.normpath(os.path.join(folder, path))
                if target == ".." or target.startswith("../"):
                    problems.append("%s:%d: %s -- points outside the repository" % (source, number, link))
                    continue
                if target == ".":
                    target = ""
                if target and target not in tracked and target not in folders:
                    why = "no such file" if not os.path.exists(target) else "not tracked by git"
                    problems.append("%s:%d: %s -- %s: %s" % (source, number, link, why, target))
                    continue
            else:
                target = source
            if not anchor or not target.endswith(".md"):
                continue
            anchors = anchors_of(target)
            if anchors is None:
                problems.append("%s:%d: %s -- cannot read %s" % (source, number, link, target))
            elif unquote(anchor).lower() not in anchors:
                problems.append('%s:%d: %s -- no heading "#%s" in %s' % (source, number, link, anchor, target))

for problem in problems:
    print(problem)
if problems:
    print("check-links: %d broken link(s) of %d in %d Markdown file(s)" % (len(problems), checked, len(markdown)),
          file=sys.stderr)
    sys.exit(1)
print("check-links: %d relative link(s) in %d Markdown file(s), all good" % (checked, len(markdown)))
PY
}

checkOutsideRefs() {
    local args=() pattern all textFiles lines binary
    for pattern in "${OUTSIDE_PATTERNS[@]}"; do
        args+=(-e "$pattern")
    done
    # Text files: every matching line. Binary files: only their names.
    lines=$(git grep -n -I -E "${args[@]}" || true)
    all=$(git grep -l -E "${args[@]}" || true)
    textFiles=$(git grep -l -I -E "${args[@]}" || true)
    binary=$(comm -23 <(sort <<<"$all") <(sort <<<"$textFiles") | sed '/^$/d')
    if [[ -z $lines && -z $binary ]]; then
        echo "check-links: no tracked file names a file outside the repository"
        return 0
    fi
    if [[ -n $lines ]]; then
        sed -e 's/^\([^:]*:[0-9]*:\)/\1 /' -e 's/$/ -- names a file outside the repository/' <<<"$lines"
    fi
    if [[ -n $binary ]]; then
        sed 's/$/: (binary file) -- names a file outside the repository/' <<<"$binary"
    fi
    echo "check-links: tracked files name files outside the repository" >&2
    return 1
}

checkLinks || status=1
if $outside; then
    checkOutsideRefs || status=1
fi
exit $status
