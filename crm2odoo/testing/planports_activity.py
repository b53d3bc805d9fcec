"""What happened around the records of a Planports export: activities, notes, board cards, attached files, and
the sheets the connector only inventories (WhatsApp, workflows) or cannot place at all (a pivot).

Quirks placed here: notes linked by a record's name (by number when two opportunities share it), Windows line
breaks, an attachment whose file is missing from the ``Dosyalar`` folder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm2odoo.sources.planports import headers as hd
from crm2odoo.testing.planports_dataset import WorkbookBuild, utc
from crm2odoo.testing.planports_layout import COLUMNS, pick, title
from crm2odoo.testing.planports_quirks import date_text
from crm2odoo.textnorm import slug

_KINDS = [("Arama", "Call", "call"), ("Toplantı", "Meeting", "meeting"), ("E-posta", "Email", "email"),
          ("Görev", "Task", "task")]
_BOARDS = {"Hasta Yolculuğu": ["Bekleyen", "Uçuş Planlandı", "Klinikte", "Takip"],
           "Ajans Operasyon": ["Yapılacak", "Devam Ediyor", "Onayda", "Bitti"]}


def _activity(c: WorkbookBuild, i: int) -> dict[str, Any]:
    ident = str(5000 + i)
    tr_label, en_label, kind = _KINDS[i % 4]
    label = pick(c.language, tr_label, en_label)
    start = c.base + dt.timedelta(days=i, hours=10 + i % 6)
    minutes = 15 + (i % 4) * 15
    end = start + dt.timedelta(minutes=minutes)
    done = i % 3 != 0
    status = pick(c.language, "Tamamlandı" if done else "Planlandı", "Done" if done else "Planned")
    person = c.person(i * 11)
    owner_text, owner_id = c.owner_cell(i)
    disposition = (["Ulaşıldı", "Ulaşılamadı", "Meşgul"][i % 3] if kind == "call" else None)
    deal = c.deal_ids[i % len(c.deal_ids)] if i % 2 else None
    c.records["activity"][ident] = {"activity_type": label, "kind": kind, "subject": f"{label} #{i}",
                                    "start": utc(start), "end": utc(end), "duration_minutes": minutes,
                                    "status": status, "done": done, "disposition": disposition, "contact": person,
                                    "deal": deal, "owner": owner_id}
    return {"activity_id": int(ident), "activity_type": label, "subject": f"{label} #{i}",
            "start": start if i % 2 else start.strftime("%d.%m.%Y %H:%M"),
            "end": end.strftime("%d.%m.%Y %H:%M"), "status": status, "disposition": disposition,
            "contact": c.records["contact"][person]["name"], "deal": deal, "owner": owner_text}


def activities(c: WorkbookBuild, count: int) -> None:
    c.records["activity"] = {}
    rows = [_activity(c, i) for i in range(count)]
    c.writer.sheet(hd.ACTIVITIES, COLUMNS["activities"], rows, title=title("activities", c.language))


def _note(c: WorkbookBuild, i: int) -> dict[str, Any]:
    """Every third note is on an opportunity, the others on a person; linked by the record's name."""
    R = c.records
    ident = f"N{i + 1}"
    when = c.base + dt.timedelta(days=i * 2, hours=15)
    owner_text, owner_id = c.owner_cell(i)
    if i % 3 == 0:
        target = c.deal_ids[i % len(c.deal_ids)]
        rel, record_text = pick(c.language, "Fırsat", "Opportunity"), R["deal"][target]["name"]
        expected = {"deal": target, "contact": None, "company": None}
        if sum(1 for d in R["deal"].values() if d["name"] == record_text) > 1:
            record_text = target  # two opportunities share this name: link by number
    else:
        target = c.person(i * 13)
        rel, record_text = pick(c.language, "Kişi", "Contact"), R["contact"][target]["name"]
        expected = {"deal": None, "contact": target, "company": None}
    body = f"Not {i}: hasta fotoğrafları gönderdi.\nDoktor değerlendirecek."
    R["note"][ident] = {"body": body, "author": owner_id, "date": utc(when), **expected}
    return {"note_id": ident, "related_type": rel, "related_record": record_text,
            "body": body.replace("\n", "\r\n"), "author": owner_text, "date": when.strftime("%d.%m.%Y %H:%M")}


def notes(c: WorkbookBuild, count: int) -> None:
    c.records["note"] = {}
    rows = [_note(c, i) for i in range(count)]
    c.writer.sheet(hd.NOTES, COLUMNS["notes"], rows)


def _card(c: WorkbookBuild, i: int) -> dict[str, Any]:
    R = c.records
    bname = list(_BOARDS)[i % 2]
    cname = _BOARDS[bname][(i // 2) % 4]
    bid, cid = slug(bname), f"{slug(bname)}/{slug(cname)}"
    if bid not in R["board"]:
        R["board"][bid] = {"name": bname}
    if cid not in R["board_column"]:
        R["board_column"][cid] = {"name": cname, "board": bid,
                                  "sequence": sum(1 for col in R["board_column"].values() if col["board"] == bid) + 1}
    ident = f"K{i + 1}"
    due = dt.date(2024, 5, 1) + dt.timedelta(days=i)
    person = c.person(i * 3)
    owner_text, owner_id = c.owner_cell(i)
    R["card"][ident] = {"title": f"{R['contact'][person]['name']} - {cname}", "board": bid, "column": cid,
                        "sequence": i + 1, "contact": person, "due_date": due, "owner": owner_id}
    return {"board": bname, "column": cname, "card_id": ident, "title": R["card"][ident]["title"],
            "sequence": i + 1, "contact": R["contact"][person]["name"], "owner": owner_text,
            "due_date": date_text(due, c.language)}


def cards(c: WorkbookBuild, count: int) -> None:
    R = c.records
    R["board"], R["board_column"], R["card"] = {}, {}, {}
    rows = [_card(c, i) for i in range(count)]
    c.writer.sheet(hd.CARDS, COLUMNS["cards"], rows)


def attachments(c: WorkbookBuild, count: int) -> None:
    """Files in the ``Dosyalar`` folder beside the workbook; the last one listed is missing there."""
    R = c.records
    R["attachment"] = {}
    rows = []
    folder = c.dataset.path.parent / "Dosyalar"
    folder.mkdir(exist_ok=True)
    for i in range(count):
        ident = f"D{i + 1}"
        fname = f"teklif-{i + 1}.pdf" if i % 2 == 0 else f"rapor-{i + 1}.txt"
        data = f"%PDF-1.4 dosya {i}".encode() if i % 2 == 0 else f"rapor {i}\n".encode()
        missing = i == count - 1
        if not missing:
            (folder / fname).write_bytes(data)
        target = c.person(i * 2)
        owner_text, owner_id = c.owner_cell(i)
        R["attachment"][ident] = {"file_name": fname, "data": None if missing else data, "contact": target,
                                  "uploaded_by": owner_id, "path": None if missing else str(folder / fname)}
        if missing:
            c.dataset.expect_problem("attachment", ident, "path")
        rows.append({"attachment_id": ident, "file_name": fname, "path": f"Dosyalar/{fname}",
                     "related_type": pick(c.language, "Kişi", "Contact"),
                     "related_record": R["contact"][target]["name"], "uploaded_by": owner_text})
    c.writer.sheet(hd.ATTACHMENTS, COLUMNS["attachments"], rows)


def inventory_only(c: WorkbookBuild) -> None:
    """WhatsApp messages and workflow rules (listed, not migrated) and a pivot sheet nobody can place."""
    words, base = c.words, c.base
    c.writer.sheet(hd.WHATSAPP, COLUMNS["whatsapp"], [
        {"contact": c.person_names[i], "wa_phone": "0532 000 00 0" + str(i), "direction": "Gelen" if i % 2 else "Giden",
         "message": f"Merhaba {i}", "date": (base + dt.timedelta(hours=i)).strftime("%d.%m.%Y %H:%M")}
        for i in range(5)])
    c.writer.sheet(hd.WORKFLOWS, COLUMNS["workflows"], [
        {"rule_name": "Yeni lead → WhatsApp karşılama", "trigger": "Lead oluşturuldu",
         "action": "WhatsApp şablonu gönder", "active": words["yes"]},
        {"rule_name": "Kapora alındı → görev", "trigger": "Aşama = Kapora Alındı", "action": "Görev oluştur",
         "active": words["no"]}])
    ws = c.writer.wb.create_sheet("Pivot")
    ws.append(["Ay", "Toplam Ciro", "Hedef"])
    ws.append(["Ocak", 1000, 1200])
