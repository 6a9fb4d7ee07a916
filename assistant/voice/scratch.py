"""Scratch directories for files a visitor downloads (QA audio and CSV, conversation recordings).

Each run or recording gets its own directory under `<tmp>/polyglot-console/<kind>/`; making a new one
removes siblings older than `max_age_s`, so a booth running for days keeps a bounded disk footprint.
"""
from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path

ROOT_NAME = "polyglot-console"


def scratch_root(kind: str) -> Path:
    return Path(tempfile.gettempdir()) / ROOT_NAME / kind


def prune(kind: str, max_age_s: float) -> int:
    """Remove this kind's directories not modified for `max_age_s`; returns how many went."""
    root, removed = scratch_root(kind), 0
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age_s
    for child in root.iterdir():
        try:
            if child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:   # another worker removed it first
            continue
    return removed


def scratch_dir(kind: str, max_age_s: float = 4 * 3600) -> Path:
    """A new empty directory for one run's files, after pruning old ones of the same kind."""
    prune(kind, max_age_s)
    path = scratch_root(kind) / uuid.uuid4().hex[:12]
    path.mkdir(parents=True)
    return path
