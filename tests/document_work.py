"""Counts the real parsing and validation of GraphQL documents (issue 17: a known document
costs neither)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from metskin.graphql import documents


def count_document_work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """From now on, each call of strawberry's parse and of the validation adds one."""
    done: Counter[str] = Counter()

    def counted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            done[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(strawberry_schema, "parse", counted("parse", strawberry_schema.parse))
    monkeypatch.setattr(
        documents, "validate_document", counted("validate", documents.validate_document)
    )
    return done
