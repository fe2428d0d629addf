"""Properties of what reads flag names and flag lines: words of a name, experiment names, env toggles, digests."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from scorecard.evidence.findings import Evaluator, flag_text_digest
from scorecard.evidence.flags import EXPERIMENT_WORDS, marks_experiment, name_words
from scorecard.evidence.patterns import ScanSettings

SWITCH_PARTS = ("ENABLE", "ENABLED", "DISABLE", "DISABLED", "USE", "EXPERIMENTAL", "FLAG")
NEAR_MISSES = ("USER", "FLAGS", "USED", "EXPERIMENT", "ENABLES", "REUSE", "NVCC", "WAREHOUSE")
name_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@given(name_text)
def test_the_words_of_a_name_keep_every_letter_and_digit_in_order(name: str):
    words = name_words(name)
    assert all(word and all(char.isalnum() for char in word) for word in words)
    assert "".join(words) == "".join(char for char in name if char.isalnum()).lower()


@given(
    st.lists(st.text("abcxyz", min_size=1, max_size=5), max_size=3),
    st.sampled_from(sorted(EXPERIMENT_WORDS)),
    st.sampled_from(["_", "-", ".", ":"]),
)
def test_an_experiment_word_between_separators_or_in_camel_case_marks_an_experiment(parts, word, separator):
    assert marks_experiment(separator.join([*parts, word, *parts]))
    assert marks_experiment("".join(part.capitalize() for part in [*parts, word]) + "Path")
    assert not marks_experiment(separator.join([*parts, word + "x"])) or "ab" in parts


def test_reading_a_long_name_takes_linear_time():
    started = time.perf_counter()
    name_words("A" * 200_000 + "b" * 200_000 + "_" * 200_000)
    assert time.perf_counter() - started < 2.0


env_part = st.one_of(
    st.sampled_from(SWITCH_PARTS + NEAR_MISSES),
    st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True),
)


@given(st.lists(env_part, min_size=1, max_size=5))
def test_an_env_toggle_is_a_name_with_a_switch_word_as_a_whole_part(parts: list[str]):
    name = "_".join(parts)
    found = Evaluator(ScanSettings()).evaluate(f'x = os.environ.get("{name}", "0")\n'.encode(), "a.py")
    matched = found is not None and ("env_toggle", name) in found.flags
    assert matched == any(part in SWITCH_PARTS for part in parts)


line = st.text(alphabet="abc=:\"'(),_-", min_size=1, max_size=20)


@given(st.lists(line, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_a_digest_of_flag_texts_ignores_formatting_and_order_and_sees_any_other_edit(lines, random):
    occurrences = [text.encode() for text in lines]
    spaced = [b" \t".join(bytes([char]) for char in text.replace(b'"', b"'")) + b"\n" for text in occurrences]
    random.shuffle(spaced)
    assert flag_text_digest(spaced) == flag_text_digest(occurrences)
    edited = [occurrences[0] + b"x", *occurrences[1:]]
    assert flag_text_digest(edited) != flag_text_digest(occurrences)
