"""crm2odoo: move a CRM from Ontraport or Planports into Odoo CRM, verified and reversible."""

__version__ = "0.1.0"
