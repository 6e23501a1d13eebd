"""Sharing queries: your shares and access log; a dermatologist's patients and the analyses
shared with them (reads audited).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.domain.audit.model import AccessEntry as DomainAccessEntry
from metskin.domain.sharing.model import PatientEntry, patient_order
from metskin.graphql.analysis.types import Analysis
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.cursors import CursorCodec, by_created, by_name, by_time
from metskin.graphql.pagination import Connection, paginate
from metskin.graphql.permissions import IsAuthenticated, IsDermatologist, guarded_field
from metskin.graphql.sharing.types import AccessLogEntry, Patient, Share, UrgentReferral

ACCESS_CURSOR: CursorCodec[DomainAccessEntry, tuple[datetime, int]] = by_time(
    "accessLog", lambda entry: (entry.at, entry.id), int
)
"""Newest read first, ties broken by the log's id."""


PATIENT_CURSOR: CursorCodec[PatientEntry, tuple[str, str]] = by_name(
    "patients", lambda entry: patient_order(entry.user)
)
"""By the name shown, without case or accents, ties broken by id (`patient_order`)."""


@strawberry.type
class SharingQueries:
    @guarded_field(IsAuthenticated)
    async def my_shares(self, info: Info) -> list[Share]:
        shares = await run_sync(info.context.container.sharing.shares_of, viewer_id_of(info))
        now = info.context.container.clock()
        return [Share.from_domain(share, now) for share in shares]

    @guarded_field(
        IsAuthenticated,
        "Every read of your data by a dermatologist, newest first; an administrator: anyone's "
        "(`userId`, the audit trail; FORBIDDEN to others).",
    )
    async def access_log(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        user_id: strawberry.ID | None = None,
    ) -> Connection[AccessLogEntry]:
        sharing, viewer = info.context.container.sharing, info.context.require_viewer()
        caller = (str(viewer.user_id), viewer.role)
        whose = str(user_id) if user_id else caller[0]
        return await paginate(
            info,
            first,
            after,
            ACCESS_CURSOR,
            lambda page: sharing.access_log(whose, page.after, page.limit, caller),
            AccessLogEntry.from_domain,
            shape=whose,  # a cursor of one person's log is not another's
        )

    @guarded_field(IsDermatologist, "Patients who booked you or share with you, by name (audited).")
    async def patients(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        patient_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="That patient only (empty when not your patient)."),
        ] = None,
    ) -> Connection[Patient]:
        sharing, viewer_id = info.context.container.sharing, viewer_id_of(info)
        only = str(patient_id) if patient_id is not None else None
        # The use case takes `first` and returns first + 1 rows itself.
        return await paginate(
            info,
            first,
            after,
            PATIENT_CURSOR,
            lambda page: sharing.patients(viewer_id, page.after, page.first, only),
            Patient.from_domain,
            shape=only,
        )

    @guarded_field(
        IsDermatologist,
        "Referrals taken to you whose advice still runs, the most urgent first "
        "(URGENT, then SOON; the latest first in each).",
    )
    async def urgent_referrals(self, info: Info) -> list[UrgentReferral]:
        sharing, viewer_id = info.context.container.sharing, viewer_id_of(info)
        found = await run_sync(sharing.urgent_referrals, viewer_id)
        return [UrgentReferral.from_domain(item, info) for item in found]


@strawberry.type
class SharedAnalysisQueries:
    @guarded_field(IsDermatologist, "Finished analyses shared with you, newest first (audited).")
    async def shared_analyses(
        self,
        info: Info,
        patient_id: strawberry.ID | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> Connection[Analysis]:
        sharing, viewer_id = info.context.container.sharing, viewer_id_of(info)
        patient = str(patient_id) if patient_id else None
        # The use case takes `first` and returns first + 1 rows itself (it audits the page).
        return await paginate(
            info,
            first,
            after,
            by_created("sharedAnalyses"),
            lambda page: sharing.shared_analyses(viewer_id, patient, page.after, page.first),
            lambda analysis: Analysis.from_domain(analysis, info.context.translator),
            shape=patient,
        )
