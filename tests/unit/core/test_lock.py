"""One writing command per project: the lock refuses a second holder, names the first, and knows a dead one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm2odoo.errors import ProjectBusy
from crm2odoo.lock import ProjectLock, current_holder, project_lock


def test_a_second_writer_is_refused_with_the_first_ones_name(tmp_path: Path) -> None:
    with project_lock(tmp_path, "migrate"):
        holder = current_holder(tmp_path)
        assert holder is not None and holder.pid == os.getpid() and holder.command == "migrate"
        with pytest.raises(ProjectBusy) as refused:
            ProjectLock(tmp_path, "rollback").acquire()
        assert f"`crm2odoo migrate` (pid {os.getpid()} on " in refused.value.message
        assert "wait for it" in refused.value.hint and f"kill {os.getpid()}" in refused.value.hint
    assert current_holder(tmp_path) is None, "released when the command ends"
    with project_lock(tmp_path, "rollback") as again:
        assert again.stale is None, "a lock released cleanly is not stale"


def test_the_lock_of_a_killed_process_is_stale_and_taken_over(tmp_path: Path) -> None:
    code = ("import os, sys\nfrom pathlib import Path\nfrom crm2odoo.lock import ProjectLock\n"
            "ProjectLock(Path(sys.argv[1]), 'migrate').acquire()\nos._exit(9)\n")
    dead = subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False)
    assert dead.returncode == 9
    assert current_holder(tmp_path) is None, "the kernel released it with the process"
    with project_lock(tmp_path, "migrate") as lock:
        assert lock.stale is not None and lock.stale.command == "migrate" and lock.stale.pid != os.getpid()


def test_a_garbled_lock_file_does_not_stop_anyone(tmp_path: Path) -> None:
    (tmp_path / "lock").write_text("{not json", encoding="utf-8")
    with project_lock(tmp_path, "approve") as lock:
        assert lock.stale is None
