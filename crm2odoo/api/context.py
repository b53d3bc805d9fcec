"""What every command shares: the project, its config and ledger, the Odoo client opened on first use, the
project lock of a writing command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm2odoo.config import Config, load_config
from crm2odoo.errors import OdooError, OdooFatalError, ProjectError
from crm2odoo.ledger.db import Ledger
from crm2odoo.lock import project_lock
from crm2odoo.mapping.spec import MappingSpec, load_spec
from crm2odoo.mapping.transforms import TransformContext
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.progress import expected_records
from crm2odoo.project import Project
from crm2odoo.sources import Source, open_source
from crm2odoo.sources.base import Catalog
from crm2odoo.sources.catalog import load_catalog

Events = Callable[..., None]


def quiet(kind: str, **data: Any) -> None:
    return None


@dataclass
class Context:
    project: Project
    config: Config
    ledger: Ledger
    _client: OdooClient | None = None
    _schema: Schema | None = None

    @property
    def client(self) -> OdooClient:
        if self._client is None:
            client = OdooClient(self.config.odoo)
            require_administrator(client)
            self._client = client
            self.ledger.bind(self.config.odoo.url, self.config.odoo.database)
        return self._client

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema(self.client)
        return self._schema

    def source(self) -> Source:
        return open_source(self.config.source)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.ledger.close()


def require_administrator(client: OdooClient) -> None:
    """Stop at login when the user is not in Administration / Settings: the tool reads ir.model and writes
    external IDs and custom fields, which a lesser user meets one AccessError at a time, deep in a run."""
    try:
        admin = client.execute("res.users", "has_group", [client.uid], group_ext_id="base.group_system")
    except OdooError:
        return  # a server that cannot answer this question is judged by the calls that follow
    if admin is False:
        client.close()
        raise OdooFatalError(
            f"Odoo user {client.settings.login!r} is not an administrator",
            hint="give that user Settings > Users > Administration: Settings, or set odoo.login to an "
                 "administrator's login (a dedicated migration user is best)")


def open_context(root: Path) -> Context:
    project = Project(root)
    config = load_config(root)
    project.ensure()
    return Context(project=project, config=config, ledger=Ledger(project.ledger_path))


def project_catalog(ctx: Context) -> Catalog:
    if not ctx.project.catalog_path.exists():
        raise ProjectError("the source has not been discovered yet", hint="run `crm2odoo discover` first")
    return load_catalog(ctx.project.catalog_path)


def catalog_totals(ctx: Context, spec: MappingSpec) -> dict[str, int | None]:
    """The records each enabled map will meet, for progress (progress.expected_records): the count of its source
    object as discovered (an API's count, an export's rows), none for a map with ``where``; None where the source
    could not count, nothing when nothing was discovered."""
    if not ctx.project.catalog_path.exists():
        return {}
    counts = {o.name: o.count for o in load_catalog(ctx.project.catalog_path).objects}
    return expected_records(spec.enabled_objects(), counts.get)


def project_spec(ctx: Context) -> MappingSpec:
    if not ctx.project.mapping_path.exists():
        raise ProjectError("there is no mapping.yaml yet", hint="run `crm2odoo plan` first")
    return load_spec(ctx.project.mapping_path)


def transform_context(config: Config) -> TransformContext:
    return TransformContext(default_country=config.migration.default_country,
                            source_timezone=config.migration.source_timezone)


@contextmanager
def writing(ctx: Context, command: str, events: Events) -> Iterator[None]:
    """The project's lock for a command that writes; taking over a dead holder's lock is said."""
    with project_lock(ctx.project.state_dir, command) as lock:
        if lock.stale is not None:
            events("stale_lock", holder=lock.stale.describe())
        yield
