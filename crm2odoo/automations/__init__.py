"""Automation rules of the source: parsed (syntax), translated to Odoo's base.automation (translate), written as
a rebuild guide (guide) and, on request, created in Odoo as inactive drafts (drafts)."""
