"""Helpers shared by the funding services. The recruitment app already has them; reused rather than copied
(they could move to `cnfs.core` one day)."""

from cnfs.recrutement.services._common import forbid, refuse, snapshot, today_or

__all__ = ["forbid", "refuse", "snapshot", "today_or"]
