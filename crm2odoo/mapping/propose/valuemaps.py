"""Value maps: source labels to an Odoo selection's keys, deal statuses to won/lost, and the other specials' words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crm2odoo.mapping.defaults import (
    COMPANY_WORDS,
    GOODS_WORDS,
    LANGUAGE_WORDS,
    LOST_WORDS,
    OPEN_WORDS,
    ORDER_STATE_WORDS,
    PERSON_WORDS,
    PRIORITY_WORDS,
    SERVICE_WORDS,
    WON_WORDS,
)
from crm2odoo.mapping.propose.scoring import classify
from crm2odoo.textnorm import fold, slug


def selection_options(labels: Sequence[str]) -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []
    used: set[str] = set()
    for i, label in enumerate(labels):
        key = slug(label) or f"option_{i + 1}"
        if key[0].isdigit():
            key = f"v_{key}"
        base, n = key, 1
        while key in used:
            n += 1
            key = f"{base}_{n}"
        used.add(key)
        options.append((key, label))
    return options


#: invoice statuses that mean "never posted" (void, declined, pending, draft, cancelled; Turkish too)
UNPOSTED_WORDS = ("void", "declin", "pending", "draft", "cancel", "iptal", "taslak", "bekle")


def map_to_existing_selection(options: Sequence[tuple[str, str]], meta: Mapping[str, Any]) -> dict[str, str]:
    existing = [(str(k), str(v)) for k, v in meta.get("selection") or []]
    result: dict[str, str] = {}
    for key, label in options:
        hit = next((k for k, v in existing if fold(v) == fold(label) or k == key), None)
        if hit is not None:
            result[label] = hit
    return result


def status_map(values: Sequence[str]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    vmap: dict[str, dict[str, Any]] = {}
    unknown: list[str] = []
    for value in values:
        kind = classify(value, WON_WORDS, LOST_WORDS, OPEN_WORDS)
        if kind == 0:
            vmap[value] = {"probability": 100}
        elif kind == 1:
            vmap[value] = {"active": False, "probability": 0}
        else:
            vmap[value] = {}
            if kind < 0:
                unknown.append(value)
    return vmap, unknown


def value_map(special: str, values: Sequence[str], meta: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    keys = {str(k) for k, _ in meta.get("selection") or []}
    vmap: dict[str, Any] = {}
    unknown: list[str] = []
    for value in values:
        key = fold(value).strip("% ")
        found: Any = None
        if special == "priority":
            found = PRIORITY_WORDS.get(key)
            if found is None and (key.count("*") or key.count("★")):
                found = str(min(3, max(0, key.count("*") + key.count("★") - 1)))
        elif special == "lang":
            found = LANGUAGE_WORDS.get(key.replace("_", " ").replace("-", " "))
            if found and keys and found not in keys:
                found = next((k for k in sorted(keys) if k.split("_")[0] == found.split("_")[0]), None)
        elif special == "is_company":
            found = True if key in COMPANY_WORDS else False if key in PERSON_WORDS else None
        elif special == "stage_kind":
            found = classify(value, WON_WORDS) == 0
        elif special == "product_type":
            found = "service" if classify(value, SERVICE_WORDS) == 0 else \
                "consu" if classify(value, GOODS_WORDS) == 0 else None
        elif special == "order_state":
            found = ORDER_STATE_WORDS.get(key)
        if found is None:
            unknown.append(value)
            continue
        if keys and isinstance(found, str) and found not in keys:
            unknown.append(value)
            continue
        vmap[value] = found
    return vmap, unknown
