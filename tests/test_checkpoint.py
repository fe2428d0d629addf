"""The checkpoint: stored as one blob and read back whole; a damaged or foreign blob is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scorecard.evidence.checkpoint import Checkpoint
from scorecard.store import Store
from tests.gitrepo import build_flag_repo, scan_summary


def test_a_checkpoint_round_trips_and_a_damaged_one_is_refused(tmp_path: Path):
    repo, _ = build_flag_repo(tmp_path / "flags")
    store = Store.memory()
    scan_summary(repo.path, store=store)
    repo_id = store.find_repo("t", str(repo.path.resolve()), None)
    assert repo_id is not None
    blob = store.load_scan_checkpoint(repo_id)
    assert blob is not None
    checkpoint = Checkpoint.from_bytes(blob)
    assert checkpoint is not None and checkpoint.head == repo.heads["main"]
    again = Checkpoint.from_bytes(checkpoint.to_bytes())
    assert again is not None
    for name, value in vars(checkpoint).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(value, getattr(again, name)) and value.dtype == getattr(again, name).dtype, name
        elif name == "replay":
            assert value.to_document() == again.replay.to_document()
        else:
            assert value == getattr(again, name), name
    # The replayed flag lives are shared between the files that hold them and the list of all flags.
    lives = [life for state in again.replay.files.values() for life in state.lives.values()]
    assert lives and all(any(life is flag for flag in again.replay.flags) for life in lives)
    for damaged in (b"", b"junk", blob[: len(blob) // 2], blob.replace(b'"format": 2', b'"format": 1')):
        assert Checkpoint.from_bytes(damaged) is None
