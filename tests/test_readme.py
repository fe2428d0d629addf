"""The README's promises that code can check."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _shell_blocks(text: str) -> list[str]:
    return [block.split("\n", 1)[1].rsplit("```", 1)[0].strip() for block in text.split("```sh")[1:]]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = next(block for block in _shell_blocks(readme) if "pytest" in block)
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and line[0] not in "#s"]
    assert ci_lines[-1] == test_command


def test_readme_example_answers_file_is_the_shipped_example_format():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for question in (
        "entanglement-1: automated-checks",
        "glue-code-1: {option: partly-wrapped",
        "feedback-1: na",
        "monitoring-1: {option: alerting, link:",
    ):
        assert question in readme
        assert question in (ROOT / "examples" / "answers.yaml").read_text(encoding="utf-8")


def test_the_example_answers_file_imports_whole_against_the_current_default_bank(tmp_path):
    """The example is what a new user copies: it must answer every question of today's default bank."""
    from scorecard.services.surveys import prepare_import
    from scorecard.survey.scoring import survey_is_complete

    prepared = prepare_import(ROOT / "examples" / "answers.yaml")
    chosen = {answer.question_id: answer.option_id for answer in prepared.answers}
    assert prepared.bank.id == "sculley2015" and survey_is_complete(prepared.bank, chosen)


def test_the_readme_layout_names_every_module():
    """A newcomer finds a feature by its path: the README's Layout section names every module of the package."""
    layout = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Layout\n", 1)[1]
    modules = sorted(path for path in (ROOT / "scorecard").rglob("*.py") if path.stem != "__init__")
    unnamed = [str(path.relative_to(ROOT)) for path in modules if not re.search(rf"\b{path.stem}\b", layout)]
    assert unnamed == []
