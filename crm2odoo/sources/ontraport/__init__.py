"""Ontraport connectors: the REST API (``api``) and the UI CSV exports (``csv_export``)."""
