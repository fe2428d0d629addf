"""Small bank files for tests, written as YAML text so every test reads like the files users write."""

from __future__ import annotations

from pathlib import Path

MEAN_BANK = """\
id: tiny
version: 1
title: Tiny bank
aggregation: mean
levels:
  - {id: high, max: 50, label: High debt}
  - {id: low, label: Low debt}
areas:
  - {id: alpha, title: Alpha, description: First area.}
  - {id: beta, title: Beta, description: Second area.}
questions:
  - id: a-1
    area: alpha
    topics: [entanglement]
    text: First question?
    help: {why: Because., source: Paper 1., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: some, label: Some., points: 0.5}
      - {id: all, label: All., points: 1}
    evidence:
      - {claim: Everything is claimed decoupled and co-changing files argue against it, metric: coupling.strong_pairs, op: ">=", threshold: 3, contradicts: [all], message: Coupled files.}
  - id: a-2
    area: alpha
    topics: [glue_code]
    text: Second question?
    help: {why: Because., source: Paper 2., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: all, label: All., points: 1}
  - id: b-1
    area: beta
    topics: [reproducibility]
    text: Third question?
    help: {why: Because., source: Paper 3., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: half, label: Half., points: 0.5}
      - {id: all, label: All., points: 1}
"""


def write_bank(folder: Path, text: str = MEAN_BANK, name: str = "tiny.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# The tiny bank with a second rule, on a-2, in the full form: a guard and a normalised metric. A repository of
# 20 code lines holding 3 TODO comments (15 per 100 lines) fires it against a-2's "all".
DEBT_RULE = """\
    evidence:
      - claim: Everything is claimed clean, so many debt comments per 100 code lines argue against it.
        when: {lines.code: 10}
        metric: debt_comments.alive
        per: lines.code
        each: 100
        op: ">="
        threshold: 5
        contradicts: [all]
        message: Debt comments crowd the code.
"""
EVIDENCE_BANK = MEAN_BANK.replace("id: tiny\n", "id: tiny-evidence\n").replace(
    "  - id: b-1\n", DEBT_RULE + "  - id: b-1\n"
)
