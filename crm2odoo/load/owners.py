"""Owners: each source user is matched to an existing internal Odoo user, never created.

By e-mail first, else by exact name (case, accents and the Turkish dotted/dotless i folded on both sides), else by
login. A name two Odoo users share is never guessed: the owner goes to the owner queue with both named. An owner
with no user takes the fallback owner when the configuration names one; otherwise the map is blocked with the
list of owners to create.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crm2odoo.errors import UserFacingError
from crm2odoo.ledger.db import Issue, Landing
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.tally import ObjectTally
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.odoo.client import OdooClient
from crm2odoo.textnorm import fold

SHOWN = 5  # owners named in a blocked message


@dataclass(frozen=True)
class OdooUser:
    id: int
    login: str
    email: str
    name: str
    partner_id: int | None


@dataclass(frozen=True)
class OwnerMatch:
    """The user found (and how), or why none was: ``ambiguous`` lists the users sharing the owner's name."""

    user: OdooUser | None
    how: str = ""
    ambiguous: tuple[OdooUser, ...] = ()


class UserDirectory:
    """The internal users of the target Odoo, read once, looked up by folded e-mail, name and login."""

    def __init__(self, client: OdooClient) -> None:
        rows = client.search_read_all("res.users", [["share", "=", False]], ["login", "email", "name", "partner_id"],
                                      context={"active_test": False})
        self.users = [OdooUser(int(r["id"]), str(r.get("login") or ""), str(r.get("email") or ""),
                               str(r.get("name") or ""), _m2o(r.get("partner_id"))) for r in rows]

    def _where(self, attr: str, value: str) -> list[OdooUser]:
        key = fold(value)
        return [u for u in self.users if key and fold(getattr(u, attr)) == key]

    def match(self, email: str, name: str, logins: Sequence[str] = ()) -> OwnerMatch:
        if email:
            found = self._where("login", email) or self._where("email", email)
            if found:
                return OwnerMatch(found[0], f"e-mail {email}")
        if name:
            named = self._where("name", name)
            if len(named) == 1:
                return OwnerMatch(named[0], f"name {name}")
            if len(named) > 1:
                return OwnerMatch(None, ambiguous=tuple(named))
        for login in logins:
            found = self._where("login", login) if login else []
            if len(found) == 1:
                return OwnerMatch(found[0], f"login {login}")
        return OwnerMatch(None)


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) and value else None


def _fallback(ctx: LoadContext) -> int | None:
    login = ctx.settings.fallback_owner
    if not login:
        return None
    rows = ctx.client.search_read("res.users", [["login", "=", login]], ["id"], limit=1,
                                  context={"active_test": False})
    if not rows:
        raise UserFacingError(f"fallback owner {login!r} is not a user of this Odoo",
                              hint="set migration.fallback_owner to an existing login")
    return int(rows[0]["id"])


def match_owners(ctx: LoadContext, obj: ObjectMap, ids: set[str] | None, result: ObjectResult) -> ObjectResult:
    """Match every owner record of ``obj``; block the map when some have no user (or share a name)."""
    fallback_id = _fallback(ctx)
    directory = UserDirectory(ctx.client)
    unmatched: list[str] = []
    ambiguous: list[str] = []
    landed: list[Landing] = []
    ledger, run_id = ctx.ledger, ctx.run_id
    for record in ctx.records(obj, ids):
        result.read += 1
        target = ctx.engine.transform(obj, record)
        email = str(target.vals.get("email") or "").strip()
        name = str(target.vals.get("name") or "").strip()
        login = str(target.vals.get("login") or "").strip()
        if "@" in login and not email:
            email = login
        found = directory.match(email, name, [login, record.id, name])
        if found.user is not None:
            user = found.user
            ledger.set_owner(record.id, name, email, "matched", user.id, user.partner_id)
            # origin 'matched': the user existed; rollback never touches it
            ledger.mark_matched(run_id, obj.name, record.id, obj.model, "", user.id, record.locator)
            landed.append(Landing(obj.name, record.id, user.id, "matched", {}))
            result.matched += 1
        elif found.ambiguous:
            shown = ", ".join(f"{u.name} ({u.login})" for u in found.ambiguous)
            why = f"{len(found.ambiguous)} Odoo users are named {name!r}: {shown}; not guessed"
            ledger.set_owner(record.id, name, email, "unmatched", None, None)
            ledger.mark_skipped(run_id, obj.name, record.id, why, model=obj.model, locator=record.locator)
            ambiguous.append(why)
        elif fallback_id:
            ledger.set_owner(record.id, name, email, "fallback", fallback_id, None)
            ledger.mark_matched(run_id, obj.name, record.id, obj.model, "", fallback_id, record.locator)
            ledger.mark_state(run_id, obj.name, record.id, "matched",
                              f"no Odoo user with email or name {email or name or '(none)'}; fallback owner "
                              f"{ctx.settings.fallback_owner}", model=obj.model, locator=record.locator)
            landed.append(Landing(obj.name, record.id, fallback_id, "matched", {}))
            result.matched += 1
        else:
            ledger.set_owner(record.id, name, email, "unmatched", None, None)
            ledger.mark_skipped(run_id, obj.name, record.id,
                              f"no Odoo user with email, name or login {email or name or record.id}",
                              model=obj.model, locator=record.locator)
            unmatched.append(f"{name or record.id} <{email or 'no email'}>")
    if landed:
        ledger.mark_landed(run_id, landed)
        ctx.resolver.register(obj.name, {row.source_id: row.odoo_id for row in landed})
    # progress counts the matched owners only: a map blocked by an owner without a user never reads as complete
    ObjectTally(ctx.events, result, ctx.totals.get(obj.name), conflicts_block=False).settled(result.matched)
    if unmatched or ambiguous:
        result.skipped = len(unmatched) + len(ambiguous)
        parts = []
        if unmatched:
            parts.append(f"{len(unmatched)} owner(s) have no Odoo user: {', '.join(unmatched[:SHOWN])}"
                         f"{' …' if len(unmatched) > SHOWN else ''}. Create these users in Odoo (same email or "
                         "name) or set migration.fallback_owner")
        if ambiguous:
            parts.append(f"{len(ambiguous)} owner(s) match several Odoo users: {'; '.join(ambiguous[:SHOWN])}"
                         f"{' …' if len(ambiguous) > SHOWN else ''}. Give those users distinct names or e-mails")
        result.blocked = "; ".join(parts) + ", then run migrate again"
        ledger.add_issues(run_id, [Issue(obj.name, None, "owner", result.blocked)])
    return result


__all__ = ["OdooUser", "OwnerMatch", "UserDirectory", "match_owners"]
