"""Where things live inside a project folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crm2odoo.config import CONFIG_NAME


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def mapping_path(self) -> Path:
        return self.root / "mapping.yaml"

    @property
    def state_dir(self) -> Path:
        return self.root / ".crm2odoo"

    @property
    def ledger_path(self) -> Path:
        return self.state_dir / "ledger.sqlite"

    @property
    def catalog_path(self) -> Path:
        return self.state_dir / "catalog.json"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def ensure(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.reports_dir.mkdir(parents=True, exist_ok=True)
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
