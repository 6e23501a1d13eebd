"""The floor of issue 17's API bench: a raw Starlette JSON route per read, plain SQLAlchemy Core
on the same database, the same SELECTs as the GraphQL path, and byte-identical JSON.

It is what the three reads cost without GraphQL, Strawberry types, the ORM or the domain:
one Core statement per SELECT, rows turned straight into the response's dicts. The token is
checked as the API checks it (JWT, then the session's refresh-token family). Served with the
same uvicorn options as `metskin serve` (one process, uvloop, httptools, the access log on).

    python bench/api_floor.py --port 8101     # METSKIN_* settings from the environment
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, asc, bindparam, select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from metskin.adapters.db.accounts import RefreshTokenRow, UserRow
from metskin.adapters.db.analysis import AnalysisRow
from metskin.adapters.db.catalog import IngredientRow, ProductRow
from metskin.adapters.db.directory import DermatologistRow, DermatologistTagRow, distance_km
from metskin.adapters.db.engine import make_engine
from metskin.adapters.db.types import core_table
from metskin.adapters.from_settings import token_keys
from metskin.adapters.security.tokens import JwtAccessTokens
from metskin.domain.directory.geo import GeoPoint
from metskin.settings import Settings

LONDON = GeoPoint(51.5072, -0.1276)

PRODUCTS = core_table(ProductRow)
INGREDIENTS = core_table(IngredientRow)
DOCTORS = core_table(DermatologistRow)
TAGS = core_table(DermatologistTagRow)
USERS = core_table(UserRow)
TOKENS = core_table(RefreshTokenRow)
ANALYSES = core_table(AnalysisRow)


PRODUCT_PAGE = (
    select(PRODUCTS.c.id, PRODUCTS.c.brand, PRODUCTS.c.name, PRODUCTS.c.data)
    .where(PRODUCTS.c.active)
    .order_by(PRODUCTS.c.id)
    .limit(bindparam("limit"))
)
DISTANCE = distance_km(LONDON, DOCTORS.c.lat, DOCTORS.c.lon).label("distance")
DOCTOR_PAGE = (
    select(DOCTORS.c.user_id, DOCTORS.c.name, DOCTORS.c.city, DISTANCE)
    .order_by(asc("distance"), DOCTORS.c.user_id)
    .limit(bindparam("limit"))
)
DOCTOR_TAGS = select(TAGS.c.user_id, TAGS.c.kind, TAGS.c.value).where(
    TAGS.c.user_id.in_(bindparam("ids", expanding=True))
)
SESSION_LIVE = (
    select(TOKENS.c.token_hash)
    .where(
        and_(
            TOKENS.c.family == bindparam("family"),
            TOKENS.c.revoked_at.is_(None),
            TOKENS.c.expires_at > bindparam("now"),
        )
    )
    .limit(1)
)
USER = select(USERS.c.id).where(USERS.c.id == bindparam("user_id"))
ANALYSIS_PAGE = (
    select(ANALYSES.c.id, ANALYSES.c.created_at, ANALYSES.c.summary)
    .where(ANALYSES.c.owner_id == bindparam("owner"))
    .order_by(ANALYSES.c.created_at.desc(), ANALYSES.c.id.desc())
    .limit(bindparam("limit"))
)


def _json(body: dict[str, Any]) -> Response:
    """The bytes strawberry sends: `json.dumps`, compact."""
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


class Floor:
    def __init__(self, settings: Settings) -> None:
        self.engine = make_engine(settings.effective_database_url)
        self.tokens = JwtAccessTokens(
            token_keys(settings), timedelta(minutes=settings.access_token_minutes)
        )
        with self.engine.connect() as connection:  # the API keeps its catalog in memory too
            self.inci_names = {
                key: name
                for key, name in connection.execute(
                    select(INGREDIENTS.c.inci_key, INGREDIENTS.c.inci_name)
                )
            }

    def products(self, first: int) -> dict[str, Any]:
        with self.engine.connect() as connection:
            rows = connection.execute(PRODUCT_PAGE, {"limit": first + 1}).all()
        return {
            "data": {
                "products": {
                    "edges": [
                        {"node": self._product(id_, brand, name, data)}
                        for id_, brand, name, data in rows[:first]
                    ]
                }
            }
        }

    def _product(self, id_: str, brand: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
        actives = [
            {
                "name": self.inci_names[" ".join(active.casefold().split())],
                "percent": float(percent) if percent is not None else None,
            }
            for active, percent in data.get("key_actives", [])
        ]
        return {
            "id": id_,
            "name": name,
            "brand": brand,
            "price": str(Decimal(str(data["price"]))),
            "currency": data["currency"],
            "keyActives": actives,
        }

    def dermatologists(self, first: int) -> dict[str, Any]:
        with self.engine.connect() as connection:
            rows = connection.execute(DOCTOR_PAGE, {"limit": first + 1}).all()[:first]
            tags: dict[str, dict[str, list[str]]] = {}
            for user_id, kind, value in connection.execute(
                DOCTOR_TAGS, {"ids": [row[0] for row in rows]}
            ):
                tags.setdefault(user_id, {}).setdefault(kind, []).append(value)
        nodes = []
        for user_id, name, city, distance in rows:
            mine = tags.get(user_id, {})
            nodes.append(
                {
                    "node": {
                        "id": user_id,
                        "name": name,
                        "distanceKm": round(distance, 3),
                        "specialties": sorted(mine.get("specialty", [])),
                        "languages": sorted(mine.get("language", [])),
                        "practice": {"city": city},
                    }
                }
            )
        return {"data": {"dermatologists": {"edges": nodes}}}

    def my_analyses(self, authorization: str, first: int) -> dict[str, Any] | None:
        now = datetime.now(UTC)
        try:
            claims = self.tokens.decode(authorization.removeprefix("Bearer "), now)
        except Exception:
            return None
        with self.engine.connect() as connection:
            if (
                connection.execute(SESSION_LIVE, {"family": claims.session, "now": now}).first()
                is None
            ):
                return None
            if connection.execute(USER, {"user_id": claims.user_id}).first() is None:
                return None
            rows = connection.execute(
                ANALYSIS_PAGE, {"owner": claims.user_id, "limit": first + 1}
            ).all()[:first]
        edges = []
        for id_, created_at, summary in rows:
            node = {"id": id_, "createdAt": created_at.isoformat()}
            node["summary"] = (
                {
                    "monk": summary.get("monk"),
                    "skinType": summary.get("skin_type"),
                    "topConcerns": summary.get("top_concerns", []),
                }
                if summary
                else None
            )
            edges.append({"node": node})
        return {"data": {"me": {"analyses": {"edges": edges}}}}


def create_floor(settings: Settings) -> Starlette:
    floor = Floor(settings)

    async def products(request: Request) -> Response:
        first = int(request.query_params.get("first", "20"))
        return _json(await run_in_threadpool(floor.products, first))

    async def dermatologists(request: Request) -> Response:
        first = int(request.query_params.get("first", "10"))
        return _json(await run_in_threadpool(floor.dermatologists, first))

    async def my_analyses(request: Request) -> Response:
        first = int(request.query_params.get("first", "10"))
        found = await run_in_threadpool(
            floor.my_analyses, request.headers.get("authorization", ""), first
        )
        if found is None:
            return Response(status_code=401)
        return _json(found)

    app = Starlette(
        routes=[
            Route("/floor/products", products, methods=["GET", "POST"]),
            Route("/floor/dermatologists", dermatologists, methods=["GET", "POST"]),
            Route("/floor/my-analyses", my_analyses, methods=["GET", "POST"]),
        ]
    )
    app.state.floor = floor
    return app


def main() -> None:
    import uvicorn

    from metskin.logging import configure_logging

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    configure_logging()
    uvicorn.run(
        create_floor(Settings()),
        host=args.host,
        port=args.port,
        log_level="info",
        log_config=None,
    )


if __name__ == "__main__":
    main()
