"""Test doubles shipped with the package: simulators of the sources, and helpers for tests and the demo."""
