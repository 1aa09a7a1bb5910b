"""Webhooks: subscriptions, the dispatcher, the sender and the worker (spec §14)."""
