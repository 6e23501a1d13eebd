"""The per-request context: the container, the caller and per-request DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role, User
from metskin.domain.analysis.records import Media
from metskin.domain.directory.model import Dermatologist
from metskin.domain.errors import DomainError, Unauthenticated
from metskin.domain.recommendations.catalog import Product
from metskin.domain.referrals.model import ReferralRecord

T = TypeVar("T")


async def run_sync(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking use case in a worker thread, off the event loop."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))


@dataclass
class Viewer:
    user_id: str
    role: Role


def make_user_loader(container: Container) -> DataLoader[str, User | None]:
    async def load(ids: list[str]) -> list[User | None]:
        users = await run_sync(container.accounts.get_users, list(ids))
        by_id = {user.id: user for user in users}
        return [by_id.get(user_id) for user_id in ids]

    return DataLoader(load_fn=load)


def make_media_loader(container: Container) -> DataLoader[str, Media | None]:
    async def load(ids: list[str]) -> list[Media | None]:
        found = await run_sync(container.media.get_many, list(ids))
        by_id = {media.id: media for media in found}
        return [by_id.get(media_id) for media_id in ids]

    return DataLoader(load_fn=load)


StoredResult = tuple[dict[str, Any], str | None]


def make_result_loader(container: Container) -> DataLoader[str, StoredResult | None]:
    async def load(ids: list[str]) -> list[StoredResult | None]:
        found = await run_sync(container.analyses.results, list(ids))
        return [found.get(analysis_id) for analysis_id in ids]

    return DataLoader(load_fn=load)


def make_product_loader(container: Container) -> DataLoader[str, Product | None]:
    async def load(ids: list[str]) -> list[Product | None]:
        found = await run_sync(container.recommendations.products_by_id, list(ids))
        return [found.get(product_id) for product_id in ids]

    return DataLoader(load_fn=load)


def make_dermatologist_loader(container: Container) -> DataLoader[str, Dermatologist | None]:
    async def load(ids: list[str]) -> list[Dermatologist | None]:
        found = await run_sync(container.directory.get_many, list(ids))
        by_id = {doctor.id: doctor for doctor in found}
        return [by_id.get(doctor_id) for doctor_id in ids]

    return DataLoader(load_fn=load)


def make_referral_loader(context: Context) -> DataLoader[str, ReferralRecord | None]:
    """Only referrals the viewer may read; a dermatologist's reads are audited in one batch."""

    async def load(ids: list[str]) -> list[ReferralRecord | None]:
        viewer = context.require_viewer()
        found = await run_sync(
            context.container.sharing.referrals_for, viewer.user_id, viewer.role, list(ids)
        )
        by_id = {record.id: record for record in found}
        return [by_id.get(referral_id) for referral_id in ids]

    return DataLoader(load_fn=load)


@dataclass
class Context:
    container: Container
    request: Any = None
    response: Any = None
    viewer: Viewer | None = None
    auth_error: DomainError | None = None
    connection_params: dict[str, Any] | None = None
    user_loader: DataLoader[str, User | None] = field(init=False)
    media_loader: DataLoader[str, Media | None] = field(init=False)
    result_loader: DataLoader[str, StoredResult | None] = field(init=False)
    product_loader: DataLoader[str, Product | None] = field(init=False)
    dermatologist_loader: DataLoader[str, Dermatologist | None] = field(init=False)
    referral_loader: DataLoader[str, ReferralRecord | None] = field(init=False)

    def __post_init__(self) -> None:
        self.user_loader = make_user_loader(self.container)
        self.media_loader = make_media_loader(self.container)
        self.result_loader = make_result_loader(self.container)
        self.product_loader = make_product_loader(self.container)
        self.dermatologist_loader = make_dermatologist_loader(self.container)
        self.referral_loader = make_referral_loader(self)

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise self.auth_error or Unauthenticated("Log in to do this.")
        return self.viewer


def viewer_id_of(info: Info) -> str:
    """The logged-in caller's id (raises when nobody is logged in)."""
    return str(info.context.require_viewer().user_id)


def context_for_token(container: Container, authorization: str | None, **extra: Any) -> Context:
    context = Context(container=container, **extra)
    authenticate(context, authorization)
    return context


def authenticate(context: Context, authorization: str | None) -> None:
    token = _bearer_token(authorization)
    if not token:
        return
    try:
        user_id, role = context.container.accounts.authenticate(token)
        context.viewer = Viewer(user_id, role)
        context.auth_error = None
    except DomainError as error:
        context.viewer = None
        context.auth_error = error


def _bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
