"""Scan settings: parsing ``[tool.scorecard]`` and ``--flags`` files, bad input as one line, keywords, merging."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from scorecard.evidence.patterns import (
    DEFAULT_FLAG_PATTERNS,
    DEFAULT_STALE_DAYS,
    ScanSettings,
    SettingsError,
    derive_keywords,
    parse_settings_text,
)
from scorecard.evidence.repository_scan import load_flags_file
from tests.test_filekinds import kind_of_version

GIN_TOGGLE = """
[[flags]]
id = "gin_toggle"
regex = '^\\s*[\\w.]+\\.(use_\\w+)\\s*=\\s*(?:True|False)'
suffixes = ["gin", ".GIN"]
"""


def test_bad_flag_configuration_is_one_line():
    with pytest.raises(SettingsError, match=r"flags\[1\] \(x\): invalid regex") as error:
        parse_settings_text("[[flags]]\nid = 'x'\nregex = '('\nsuffixes = ['.py']\n", "f.toml")
    assert "\n" not in str(error.value)
    with pytest.raises(SettingsError, match="needs a group"):
        parse_settings_text("[[flags]]\nid = 'x'\nregex = 'abc'\nsuffixes = ['.py']\n", "f.toml")
    with pytest.raises(SettingsError, match="unknown setting 'flagz'"):
        parse_settings_text("flagz = 1\n", "f.toml")
    assert derive_keywords(r"\bfoo_bar\(\s*(\w+)") == ("foo_bar",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[flags]]\nregex = '(x)'\nsuffixes = ['.py']\n", r"flags\[1\]: needs an id"),
        ("[[flags]]\nid = 'x'\nsuffixes = ['.py']\n", r"\(x\): needs a regex"),
        ("[[flags]]\nid = 'x'\nregex = '(x)'\n", r"\(x\): needs suffixes"),
        ("[[flags]]\nid = 'x'\nregex = '(\\w+)'\nsuffixes = ['.py']\n", r"\(x\): name keywords"),
        ("flags = 'x'\n", "flags must be a list"),
        ("stale_days = -1\n", "stale_days must be a whole number"),
        ("stale_days = true\n", "stale_days must be a whole number"),
        ("config_max_lines = -1\n", "config_max_lines must be a whole number of lines"),
        ("config_max_lines = 'big'\n", "config_max_lines must be a whole number of lines"),
        ("config_max_lines = false\n", "config_max_lines must be a whole number of lines"),
        ("data_paths = [1]\n", "data_paths must be a list of strings"),
        ("config_paths = {a = 1}\n", "config_paths must be a list of strings"),
        ("exclude_paths = [1]\n", "exclude_paths must be a list of strings"),
        ("exclude_authors = ['(']\n", r"exclude_authors '\(':"),
        ("[[flags]\n", "cannot parse"),
        ("- a list\n", "expected a table"),
        ("[[flags]]\nid = 'x'\nregex = '(xyz)'\nsuffixes = ['.py']\nkind = 'toggle'\n", r"\(x\): kind must be one of"),
        (
            "[[flags]]\nid = 'x'\nregex = '(xyz)'\nsuffixes = ['.py']\nkind = 1\n",
            r"\(x\): kind must be one of cli_option",
        ),
    ],
)
def test_every_bad_setting_is_named_in_one_line(text: str, message: str):
    yaml_format = text.startswith("-")
    with pytest.raises(SettingsError, match=message) as error:
        parse_settings_text(text, "flags.yaml" if yaml_format else "flags.toml", yaml_format=yaml_format)
    assert "\n" not in str(error.value)


def test_a_flags_file_holds_patterns_and_settings_at_the_top_level_or_under_tool_scorecard():
    text = "stale_days = 90\nexclude_paths = 'vendor/*'\nexclude_commits = ['ABCDEF12']\n" + GIN_TOGGLE
    settings = parse_settings_text(text, "flags.toml")
    assert settings is not None
    [pattern] = settings.flag_patterns
    assert pattern.id == "gin_toggle" and pattern.suffixes == {".gin"}
    # No keywords named: every literal word of the regex is one (a superset only means more changes read).
    assert pattern.keywords == ("False", "True", "use_")
    assert (settings.stale_days, settings.exclude_paths, settings.exclude_commits) == (90, ("vendor/*",), ("abcdef12",))
    nested = parse_settings_text("[tool.scorecard]\nstale_days = 90\n", "flags.toml")
    assert nested is not None and nested.stale_days == 90 and nested.flag_patterns == ()


def test_a_pyproject_counts_only_with_a_tool_scorecard_table():
    assert parse_settings_text("[project]\nname = 'x'\n", "repo/pyproject.toml") is None
    assert parse_settings_text("", "flags.yaml", yaml_format=True) is None
    found = parse_settings_text("[tool.scorecard]\nexclude_authors = ['bot']\n", "repo/pyproject.toml")
    assert found is not None and found.exclude_authors == ("bot",)


def test_yaml_and_toml_flags_files_read_the_same(tmp_path: Path):
    toml = tmp_path / "flags.toml"
    toml.write_text("[[flags]]\nid = 'knob'\nregex = '\\.(lr) ='\nsuffixes = ['gin']\nkeywords = ['lr']\n")
    yaml = tmp_path / "flags.yml"
    yaml.write_text("flags:\n  - id: knob\n    regex: '\\.(lr) ='\n    suffixes: [gin]\n    keywords: [lr]\n")
    assert load_flags_file(toml) == load_flags_file(yaml)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_flags_file(empty) == ScanSettings(flag_patterns=())


def test_merged_settings_replace_patterns_by_id_and_add_exclusions():
    own = parse_settings_text("exclude_paths = ['a/*']\nstale_days = 30\n" + GIN_TOGGLE, "f.toml")
    replaced = parse_settings_text(
        "exclude_paths = ['b/*']\n[[flags]]\nid = 'env_toggle'\nregex = 'getenv\\(\"(\\w+)\"'\nsuffixes = ['.py']\n",
        "g.toml",
    )
    merged = ScanSettings().merged(own).merged(replaced).merged(None)
    ids = [pattern.id for pattern in merged.flag_patterns]
    assert ids == [pattern.id for pattern in DEFAULT_FLAG_PATTERNS] + ["gin_toggle"]
    assert next(p for p in merged.flag_patterns if p.id == "env_toggle").keywords == ("getenv",)
    assert merged.exclude_paths == ("a/*", "b/*")
    assert merged.stale_days == 30  # the default (180) of the later file does not override a setting
    assert ScanSettings().stale_days == DEFAULT_STALE_DAYS
    assert merged.fingerprint() != ScanSettings().fingerprint()
    assert merged.exclusion_fingerprint() != ScanSettings().exclusion_fingerprint()


def test_file_kind_settings_merge_and_invalidate_stored_results():
    own = parse_settings_text("data_paths = ['runs/**']\nconfig_max_lines = 500\n", "f.toml")
    other = parse_settings_text("[tool.scorecard]\nconfig_paths = 'deploy/*.yaml'\n", "repo/pyproject.toml")
    merged = ScanSettings().merged(own).merged(other)
    assert (merged.data_paths, merged.config_paths, merged.config_max_lines) == (("runs/**",), ("deploy/*.yaml",), 500)
    assert merged.kind_rules.kind_of("runs/a/train.py") == "data"
    assert kind_of_version(merged.kind_rules, "deploy/big.yaml", 10_000) == "config"
    assert kind_of_version(merged.kind_rules, "params.yaml", 501) == "data"
    assert merged.exclusion_fingerprint() != ScanSettings().exclusion_fingerprint()
    assert ScanSettings(config_max_lines=0).exclusion_fingerprint() != ScanSettings().exclusion_fingerprint()
    assert merged.fingerprint() == ScanSettings().fingerprint()  # what a blob holds does not depend on kinds


def test_path_exclusions_are_globs_whose_star_crosses_slashes():
    excluded = ScanSettings(exclude_paths=("vendor/*", "*_pb2.py")).path_excluded()
    assert excluded("vendor/lib/deep.py") and excluded("src/api_pb2.py")
    assert not excluded("src/vendor.py")
    assert not ScanSettings().path_excluded()("anything")


def test_keyword_regex_finds_flag_keywords_as_written_and_debt_words_in_any_case(tmp_path: Path):
    regex = ScanSettings().keyword_regex()
    assert "add_argument" in regex and "[Tt][Oo][Dd][Oo]" in regex
    assert re.search(regex, "x = os.environ.get('A')") and re.search(regex, "# FixMe")
    assert not re.search(regex, "ADD_ARGUMENT = 1")
    # It is a POSIX extended regex: git itself accepts it for -G.
    (tmp_path / "a.txt").write_text("# todo\n")
    result = subprocess.run(["git", "grep", "--no-index", "-E", regex], cwd=tmp_path, capture_output=True, check=False)
    assert result.returncode == 0 and b"todo" in result.stdout


def test_scanned_suffixes_are_code_and_every_pattern_suffix():
    suffixes = ScanSettings().scanned_suffixes()
    assert {".py", ".go", ".yaml", ".toml", ".json"} <= suffixes and ".md" not in suffixes


def test_a_pattern_kind_defaults_to_feature_switch_or_the_replaced_patterns_kind_and_is_fingerprinted():
    text = "[[flags]]\nid = '{id}'\nregex = '(use_\\w+)'\nsuffixes = ['.py']\n"
    [own] = parse_settings_text(text.format(id="mine"), "f.toml").flag_patterns
    [replaced] = parse_settings_text(text.format(id="env_toggle"), "f.toml").flag_patterns
    assert (own.kind, replaced.kind) == ("feature_switch", "env_toggle")
    [typed] = parse_settings_text(text.format(id="mine") + "kind = 'config_key'\n", "f.toml").flag_patterns
    assert typed.kind == "config_key"
    assert ScanSettings(flag_patterns=(own,)).fingerprint() != ScanSettings(flag_patterns=(typed,)).fingerprint()
    assert {p.id: p.kind for p in DEFAULT_FLAG_PATTERNS} == {
        "absl_bool": "cli_option",
        "argparse_switch": "cli_option",
        "click_switch": "cli_option",
        "env_toggle": "env_toggle",
        "sdk_flag": "feature_switch",
        "config_toggle": "config_key",
    }
