"""Contract tests use the shared fixtures in tests/conftest.py (sandbox, or a real Odoo from the environment)."""
