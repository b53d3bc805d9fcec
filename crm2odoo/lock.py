"""One writing command per project folder at a time.

``migrate``, ``rollback`` and ``approve`` hold ``.crm2odoo/lock`` while they run. The file names the holder (PID,
host, command, start time) so a second writer can say who is running, and the kernel's advisory lock on it
(``flock``) says whether that holder is alive: the kernel drops it when the process ends, however it ends, so a
lock left by a killed run is recognised as stale without trusting a PID that may have been reused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from crm2odoo.errors import ProjectBusy

LOCK_NAME = "lock"


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    command: str
    started_at: str

    def describe(self) -> str:
        return f"`crm2odoo {self.command}` (pid {self.pid} on {self.host}, started {self.started_at} UTC)"


def _read_holder(handle: IO[str]) -> LockHolder | None:
    handle.seek(0)
    try:
        data: dict[str, Any] = json.loads(handle.read() or "null") or {}
        return LockHolder(int(data["pid"]), str(data["host"]), str(data["command"]), str(data["started_at"]))
    except (ValueError, KeyError, TypeError):
        return None


def current_holder(state_dir: Path) -> LockHolder | None:
    """Who holds the project's lock right now, or None when nobody does (a stale file counts as nobody)."""
    path = state_dir / LOCK_NAME
    if not path.exists():
        return None
    with path.open("r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(handle)
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


class ProjectLock:
    """Held for the life of one writing command; ``stale`` names the holder of a lock whose process was gone."""

    def __init__(self, state_dir: Path, command: str) -> None:
        self.path = state_dir / LOCK_NAME
        self.command = command
        self.stale: LockHolder | None = None
        self._handle: IO[str] | None = None

    def acquire(self) -> ProjectLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            handle.close()
            running = holder.describe() if holder else "another crm2odoo command"
            raise ProjectBusy(
                f"{running} is writing in this project; a second `crm2odoo {self.command}` now would interfere with it",
                hint="wait for it to finish (`crm2odoo status` shows its progress), or stop it with Ctrl-C"
                     + (f" / `kill {holder.pid}`" if holder else "") + " and run this again") from None
        self.stale = _read_holder(handle)
        holder = LockHolder(os.getpid(), socket.gethostname(), self.command,
                            dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder.__dict__))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.flush()
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


@contextlib.contextmanager
def project_lock(state_dir: Path, command: str) -> Iterator[ProjectLock]:
    lock = ProjectLock(state_dir, command).acquire()
    try:
        yield lock
    finally:
        lock.release()
