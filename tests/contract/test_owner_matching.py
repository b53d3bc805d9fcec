"""Owner matching against the target Odoo's users: e-mail, then folded name, then login; a shared name is no match."""

from __future__ import annotations

from crm2odoo.load.owners import UserDirectory
from crm2odoo.odoo.client import OdooClient


def _user(odoo: OdooClient, name: str, login: str, email: str = "") -> int:
    vals = {"name": name, "login": login} | ({"email": email} if email else {})
    return odoo.create("res.users", [vals])[0]


def test_by_email_before_name(odoo: OdooClient, tag: str) -> None:
    by_mail = _user(odoo, f"Mail Owner {tag}", f"mail-{tag}", f"owner-{tag}@example.com")
    _user(odoo, f"Other Name {tag}", f"other-{tag}")
    found = UserDirectory(odoo).match(f"OWNER-{tag}@Example.com", f"Other Name {tag}")
    assert found.user is not None and found.user.id == by_mail and found.how.startswith("e-mail")


def test_by_name_folded_turkish_i_and_accents(odoo: OdooClient, tag: str) -> None:
    irem = _user(odoo, f"IREM ISIK {tag}", f"irem-{tag}")
    jurgen = _user(odoo, f"Jurgen Gross {tag}", f"jurgen-{tag}")
    directory = UserDirectory(odoo)
    found = directory.match("", f"İrem Işık {tag}")
    assert found.user is not None and found.user.id == irem and found.how.startswith("name")
    found = directory.match("", f"jürgen groß {tag}")
    assert found.user is not None and found.user.id == jurgen
    assert directory.match("", f"Irem Isikk {tag}").user is None, "a different name is no match"


def test_a_name_two_users_share_is_never_guessed(odoo: OdooClient, tag: str) -> None:
    first = _user(odoo, f"Deniz Yıldız {tag}", f"deniz1-{tag}")
    second = _user(odoo, f"DENİZ YILDIZ {tag}", f"deniz2-{tag}")
    found = UserDirectory(odoo).match("", f"Deniz Yildiz {tag}")
    assert found.user is None
    assert {u.id for u in found.ambiguous} == {first, second}


def test_by_login_when_neither_email_nor_name_match(odoo: OdooClient, tag: str) -> None:
    user = _user(odoo, f"Someone {tag}", f"selin-{tag}")
    directory = UserDirectory(odoo)
    found = directory.match("", f"Selin Aydın {tag}", [f"SELIN-{tag}"])
    assert found.user is not None and found.user.id == user and found.how.startswith("login")
    assert directory.match("", f"Selin Aydın {tag}", [f"nobody-{tag}"]).user is None
