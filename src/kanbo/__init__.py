"""Kanbo: a self-hosted CRM wire-compatible with the Kommo (amoCRM) API v4."""

__version__ = "0.1.0"
