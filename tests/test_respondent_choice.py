"""Who answers on this computer, remembered in the user's settings file: read back as written, and any file
that is not a good one read as "not chosen yet", never an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.errors import ScorecardError
from scorecard.paths import settings_path
from scorecard.services.respondent_choice import (
    THE_TEAM,
    AnsweringAs,
    answering_as,
    remember_choice,
    remembered_choice,
)
from scorecard.survey.respondents import RespondentError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "scorecard" / "settings.json"


def test_the_settings_file_is_in_the_users_config_directory(tmp_path):
    assert settings_path() == tmp_path / "xdg-config" / "scorecard" / "settings.json"  # conftest's XDG_CONFIG_HOME


def test_nothing_remembered_without_a_file(path):
    assert remembered_choice(path) is None


@pytest.mark.parametrize("choice", [AnsweringAs("Ana"), THE_TEAM, AnsweringAs("Zoë Ödegaard")])
def test_a_choice_is_read_back_as_written(path, choice):
    remember_choice(choice, path)  # the folder is made on the way
    assert remembered_choice(path) == choice


def test_the_file_is_small_json_and_keeps_other_settings(path):
    path.parent.mkdir(parents=True)
    path.write_text('{"theme": "nord", "respondent": "Bob"}', encoding="utf-8")
    remember_choice(THE_TEAM, path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"theme": "nord", "respondent": None}


def test_a_name_is_normalised_and_a_bad_one_refused():
    assert answering_as("  Ana   Lopez ") == AnsweringAs("Ana Lopez")
    assert answering_as(None) == THE_TEAM
    with pytest.raises(RespondentError, match="cannot be empty"):
        answering_as("   ")


def test_the_header_says_who_answers():
    assert AnsweringAs("Ana").label == "Answering as Ana"
    assert THE_TEAM.label == "Answering for the team"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe garbage",
        b"[]",
        b'"Ana"',
        b"{}",
        b'{"respondent": 5}',
        b'{"respondent": "   "}',
        b'{"respondent": "A\\u200bna"}',
        b'{"respondent": ["Ana"]}',
    ],
)
def test_a_file_that_is_not_a_good_one_is_not_chosen_yet(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert remembered_choice(path) is None


def test_a_folder_in_place_of_the_file_is_not_chosen_yet_and_cannot_be_written(path):
    path.mkdir(parents=True)
    assert remembered_choice(path) is None
    with pytest.raises(ScorecardError, match=r"cannot write .*settings\.json: it is a directory"):
        remember_choice(AnsweringAs("Ana"), path)


def test_a_config_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    (tmp_path / "config").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(ScorecardError, match="cannot write"):
        remember_choice(THE_TEAM, tmp_path / "config" / "scorecard" / "settings.json")


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_any_file_content_is_a_choice_or_none_never_an_error(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    found = remembered_choice(path)
    assert found is None or isinstance(found, AnsweringAs)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.none(), st.text(max_size=120), st.integers(), st.lists(st.text(max_size=5))))
def test_any_json_value_is_read_as_its_name_or_none(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"respondent": value}), encoding="utf-8")
    found = remembered_choice(path)
    if value is None:
        assert found == THE_TEAM
    elif found is not None:
        assert found == answering_as(value)
