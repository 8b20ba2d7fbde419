"""Delivery: sending each member their pack's edition, once, and the ledger of who holds what.

A stage downstream of the build: it reads the output folder's manifest and the
recipients file, never the build's internals, and never imports WeasyPrint.
"""

from __future__ import annotations

from pipeline.deliver.send import SendOptions, SendReport, deliveries, send

__all__ = ["SendOptions", "SendReport", "deliveries", "send"]
