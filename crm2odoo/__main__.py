"""``python -m crm2odoo`` is the ``crm2odoo`` command."""

from crm2odoo.cli import main

main()
