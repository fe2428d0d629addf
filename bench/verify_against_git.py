"""Check a scan of a real repository against git itself: every figure a scan reports, recomputed with plain git.

Run: .venv/bin/python bench/verify_against_git.py PATH [PATH...]

For each repository it runs `scorecard scan PATH --json` into a temporary database, then computes the same
figures with plain git and the contract's regexes written out here independently of scorecard's own code:

- commits:            git rev-list --no-merges --count HEAD
- churn:              sum of git log --no-merges -M --numstat (binary files excluded)
- lines.by_ext:       git diff --numstat <empty tree> HEAD, summed by lower-cased suffix
- flags.by_pattern:   the five default patterns applied to every HEAD blob with a matching suffix
- debt_comments.alive: the debt regex applied line by line to every HEAD blob with a code suffix

and prints each pair with OK or DIFF. It exits 1 if anything differs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path, PurePosixPath

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "--no-pager"]
PY = {".py"}
FLAG_PATTERNS = {
    "absl_bool": (PY, r"""\bflags\.DEFINE_bool(?:ean)?\(\s*["']([A-Za-z_]\w*)["']"""),
    "argparse_switch": (
        PY,
        r"""add_argument\(\s*["'](--?[A-Za-z][\w-]*)["'][^()]*?action\s*=\s*(?:["']store_(?:true|false)["']"""
        r"""|(?:argparse\.)?BooleanOptionalAction)""",
    ),
    "env_toggle": (
        PY,
        r"""\bos\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*(?:ENABLE|DISABLE|USE|FLAG|EXPERIMENT)[A-Z0-9_]*)["']""",
    ),
    "sdk_flag": (
        {".py", ".js", ".jsx", ".ts", ".tsx", ".java", ".kt", ".go", ".rb"},
        r"""\b(?:is_enabled|is_feature_enabled|feature_enabled|variation|bool_variation|get_feature_flag)\(\s*["']([\w.:-]+)["']""",
    ),
    "config_toggle": (
        {".yaml", ".yml", ".toml", ".ini", ".cfg", ".json"},
        r"""^\s*["']?((?:use|enable|disable|experimental)_\w+)["']?\s*[:=]\s*["']?(?i:true|false|yes|no|on|off)\b""",
    ),
}
CODE = set(
    [
        ".py",
        ".pyx",
        ".pxd",
        ".pyi",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".cu",
        ".cuh",
        ".java",
        ".kt",
        ".scala",
        ".go",
        ".rs",
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".rb",
        ".r",
        ".jl",
        ".swift",
        ".sh",
        ".bash",
        ".sql",
        ".lua",
        ".php",
        ".cs",
    ]
)
DEBT = re.compile(r"(?:#|//|/\*|^\s*\*|--)\s*.*?\b(?:TODO|FIXME|XXX|HACK)\b", re.IGNORECASE)


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *SAFE, "-C", str(repo), *args], capture_output=True, check=True).stdout


def suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower()


def numstat_rows(text: bytes) -> list[tuple[str, str, str]]:
    """(added, deleted, path) from -z --numstat output (renames: the new path)."""
    rows, parts, i = [], text.split(b"\0"), 0
    while i < len(parts):
        record = parts[i].lstrip(b"\n")
        i += 1
        if not record or b"\t" not in record:
            continue
        added, deleted, path = record.split(b"\t", 2)
        if path == b"":  # a rename: old and new path follow
            path = parts[i + 1]
            i += 2
        rows.append((added.decode(), deleted.decode(), path.decode("utf-8", "surrogateescape")))
    return rows


def from_git(repo: Path) -> dict[str, object]:
    commits = int(git(repo, "rev-list", "--no-merges", "--count", "HEAD"))
    added = deleted = 0
    for a, d, _ in numstat_rows(git(repo, "log", "--no-merges", "-M", "--numstat", "-z", "--format=")):
        if a != "-":
            added, deleted = added + int(a), deleted + int(d)
    by_ext: Counter[str] = Counter()
    for a, _, path in numstat_rows(git(repo, "diff", "--numstat", "-z", EMPTY_TREE, "HEAD")):
        if a != "-":
            by_ext[suffix(path) or "(none)"] += int(a)
    flags: Counter[str] = Counter()
    debt = 0
    listing = git(repo, "ls-tree", "-r", "-z", "HEAD").split(b"\0")
    for entry in filter(None, listing):
        meta, path_bytes = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue
        path = path_bytes.decode("utf-8", "surrogateescape")
        ext = suffix(path)
        wanted = [name for name, (suffixes, _) in FLAG_PATTERNS.items() if ext in suffixes]
        if not wanted and ext not in CODE:
            continue
        text = git(repo, "cat-file", "blob", sha.decode()).decode("utf-8", "replace")
        for name in wanted:
            names = {m.group(1) for m in re.finditer(FLAG_PATTERNS[name][1], text, re.MULTILINE)}
            flags[name] += len(names)  # identity = (pattern, name, file)
        if ext in CODE:
            debt += sum(1 for line in text.splitlines() if DEBT.search(line))
    return {
        "commits": commits,
        "churn": {"added": added, "deleted": deleted},
        "lines.by_ext": dict(by_ext),
        "flags.by_pattern": {k: v for k, v in flags.items() if v},
        "debt_comments.alive": debt,
    }


def from_scorecard(repo: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            [str(Path(sys.executable).with_name("scorecard")), "scan", str(repo), "--team", "verify", "--json"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "SCORECARD_DB": str(Path(folder) / "verify.db")},
        ).stdout
    doc = json.loads(out)
    return {
        "commits": doc["commits"],
        "churn": {"added": doc["churn"]["added"], "deleted": doc["churn"]["deleted"]},
        "lines.by_ext": {k or "(none)": v for k, v in doc["lines"]["by_ext"].items() if v},
        "flags.by_pattern": {k: v for k, v in doc["flags"]["by_pattern"].items() if v},
        "debt_comments.alive": doc["debt_comments"]["alive"],
    }


def main(paths: list[str]) -> int:
    failures = 0
    for path in paths:
        repo = Path(path).resolve()
        ours, theirs = from_scorecard(repo), from_git(repo)
        print(f"== {repo}")
        for key in theirs:
            same = ours[key] == theirs[key]
            failures += not same
            print(f"  {'OK  ' if same else 'DIFF'} {key}: scorecard {ours[key]}  git {theirs[key]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["."]))
