"""Two versions of one bank compared: the ``previous:`` section of a bank file (parsed, then checked against the
older version), the carry-over it declares, and the wording changes between the versions.

Pure: no file is read here; :mod:`scorecard.survey.bank_file` finds the older version's file (the archive,
``questions/archive/<id>.v<N>.yaml``) and hands both banks in. The format (``docs/bank-format.md``)::

    previous:
      version: 1
      carry_over:                      # new question id -> where its answer comes from in `version`
        entanglement-1: {from: entanglement-1}
        onboarding-1: {from: onboarding-1, options: {months: one-person, weeks: weeks}}

A question not listed is asked afresh; an old option not listed in ``options`` does not carry (its question is
asked afresh); without ``options`` the option ids carry as they are. ``na`` and ``unknown`` always carry as
themselves. Wording changes are computed, never declared: added, removed, reworded (same id, other stem text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scorecard.errors import describe
from scorecard.survey.bank import UNIVERSAL_IDS, Bank, CarryRule, PreviousVersion

ProblemSink = Callable[[str, Any], None]
"""Records one problem: its message and the parsed node it is about (for the line number), or None."""

CarrySource = tuple[str, Mapping[str, tuple[str, float | None]]]
"""Where a new question's answer comes from: the old question id, and old option -> (new option, its points)."""


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parse_previous(node: Any, version: int, problem: ProblemSink) -> PreviousVersion | None:
    """The ``previous:`` section as written (its ids are checked by :func:`previous_problems`); None when absent
    or wrong (``problem`` says why)."""
    if node is None:
        return None
    if not isinstance(node, dict):
        problem("previous must be a mapping with version and carry_over", node)
        return None
    old = node.get("version")
    if not isinstance(old, int) or isinstance(old, bool) or not 1 <= old < max(version, 1):
        problem(f"previous version must be a whole number below the bank's own ({version}), not {describe(old)}", node)
        return None
    raw = node.get("carry_over", {})
    if not isinstance(raw, dict):
        problem("previous carry_over must map each new question id to {from: old question id, options: ...}", node)
        return None
    rules: list[CarryRule] = []
    for new_id, item in raw.items():
        if not _is_id(new_id) or not isinstance(item, dict) or not _is_id(item.get("from")):
            problem(f"carry_over of {describe(new_id)} needs from: an old question id", item or node)
            continue
        options = item.get("options")
        if options is not None and (
            not isinstance(options, dict) or not all(_is_id(k) and _is_id(v) for k, v in options.items())
        ):
            problem(f"carry_over of {describe(new_id)}: options must map old option ids to new option ids", item)
            continue
        pairs = None if options is None else tuple((k.strip(), v.strip()) for k, v in options.items())
        rules.append(CarryRule(new_id.strip(), item["from"].strip(), pairs))
    return PreviousVersion(old, tuple(rules))


def previous_problems(new: Bank, old: Bank) -> list[tuple[str, str]]:
    """``(question id, message)`` for every carry-over id that is not a question or option of its version."""
    found: list[tuple[str, str]] = []
    for rule in new.previous.carry_over if new.previous else ():
        target, source = new.question(rule.question), old.question(rule.source)
        if target is None:
            found.append((rule.question, f"carry_over: no question {describe(rule.question)} in this version"))
        if source is None:
            found.append((rule.question, f"carry_over: version {old.version} has no question {describe(rule.source)}"))
        if target is None or source is None:
            continue
        new_options = {o.id for o in target.all_options}
        old_options = {o.id for o in source.all_options}
        for old_id, new_id in rule.options or [(o.id, o.id) for o in source.options]:
            if old_id not in old_options:
                found.append((rule.question, f"carry_over: {rule.source} v{old.version} has no option {old_id!r}"))
            if new_id not in new_options:
                found.append((rule.question, f"carry_over: no option {new_id!r} here (map it under options)"))
    return found


def carry_map(new: Bank, old: Bank) -> dict[str, CarrySource]:
    """New question id -> its :data:`CarrySource` in ``old`` (the version ``new.previous`` names), for the
    store's carry-over; ``na`` and ``unknown`` carry as themselves, except ``na`` into a bank that does not offer
    it (the ML Test Score v2): a stored answer the bank would refuse is no carry-over, its question is asked
    afresh."""
    mapped: dict[str, CarrySource] = {}
    for rule in new.previous.carry_over if new.previous else ():
        target, source = new.question(rule.question), old.question(rule.source)
        if target is None or source is None:
            continue
        pairs = list(rule.options or [(o.id, o.id) for o in source.options])
        pairs += [(option_id, option_id) for option_id in sorted(UNIVERSAL_IDS)]
        options: dict[str, tuple[str, float | None]] = {}
        for old_id, new_id in pairs:
            option = target.option(new_id)
            if option is not None and new.offers(new_id):
                options[old_id] = (new_id, option.points)
        mapped[rule.question] = (rule.source, options)
    return mapped


def wording_changes(old: Bank, new: Bank) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Question ids ``(added, removed, reworded)`` from ``old`` to ``new``, each sorted: reworded questions keep
    their id and change their stem text (whitespace aside)."""
    old_text = {q.id: " ".join(q.text.split()) for q in old.questions}
    new_text = {q.id: " ".join(q.text.split()) for q in new.questions}
    added = sorted(set(new_text) - set(old_text))
    removed = sorted(set(old_text) - set(new_text))
    reworded = sorted(qid for qid in set(old_text) & set(new_text) if old_text[qid] != new_text[qid])
    return tuple(added), tuple(removed), tuple(reworded)
