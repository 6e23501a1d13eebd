"""A share that runs out is told on the dermatologist's dashboard, as a revoke is.

Nothing happens at a share's expiry: a periodic scan (in every worker) finds the shares that
ran out and were not told, and writes a SHARE_EXPIRED event for each, dated at the expiry, in
the log the dashboard and its live stream read. Each share is told once, also with many scans
at once (each claims its rows, and the mark is a conditional update)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from metskin.domain.appointments.dashboard import DashboardEventKind
from metskin.domain.ports import Clock
from metskin.domain.sharing.ports import SharingUowFactory
from metskin.domain.sharing.service import tell_dashboard

log = logging.getLogger(__name__)


@dataclass(eq=False)
class ShareEndScanner:
    uow_factory: SharingUowFactory
    clock: Clock
    batch: int = 200

    def scan_once(self) -> int:
        """One pass: the number of shares whose end it told."""
        now, told = self.clock(), 0
        with self.uow_factory() as uow:
            for share in uow.shares.ran_out_untold(now, self.batch):
                if not uow.shares.mark_end_told(share.id, now):
                    continue  # another scan took it
                tell_dashboard(uow, DashboardEventKind.SHARE_EXPIRED, share, share.expires_at)
                told += 1
            uow.commit()
        if told:
            log.info("shares ran out", extra={"count": told})
        return told
