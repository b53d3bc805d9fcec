"""Export variants for the property-based variation suite (issue #13, item 6a).

Each variant starts from what our own simulators write (Ontraport UI CSV exports, a Planports workbook) and changes
one thing a real customer's export does differently: headers in another language, another key name, another
separator, links by name and id, polymorphic parents, owners by name, other date formats, encodings. A variant also
says what the migration must still produce (the truth), so a test can tell "migrated completely" from "lost data".
"""
