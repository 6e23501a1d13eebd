"""Automatic persisted queries (Apollo's APQ protocol): a known document is sent as its hash.

A request whose `extensions.persistedQuery` is `{"version": 1, "sha256Hash": H}` and has no
`query` runs the document stored under H, or gets `PERSISTED_QUERY_NOT_FOUND` (message
`PersistedQueryNotFound`, as Apollo clients expect); the client then sends the query with the
hash, which is checked (`sha256(query) == H`) and stored. The store is a bounded LRU of
documents by hash, in each process. The stored text is the same `str` object every time, so
the parser cache and the validation cache find its parsed, validated document at once: a
known query is neither parsed nor validated again, and its body is a few dozen bytes.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.types.execution import ExecutionResult

MAX_DOCUMENTS = 512
MAX_DOCUMENT_CHARS = 32_000  # larger documents run, but are not kept


def _refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


class PersistedQueries:
    def __init__(self, max_documents: int = MAX_DOCUMENTS) -> None:
        self.max_documents = max_documents
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def stored(self, persisted: object) -> str | None:
        """The document stored under a valid `persistedQuery` extension, or None (unknown, or
        not a version 1 hash: `resolve` answers those)."""
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return None
        digest = persisted.get("sha256Hash")
        key = digest.lower() if isinstance(digest, str) else ""
        stored = self._documents.get(key)
        if stored is not None:
            self._documents.move_to_end(key)
        return stored

    def resolve(self, request: GraphQLRequestData) -> ExecutionResult | None:
        """Fill in the query of a hash-only request, or keep a new document under its hash.
        Returns the refusal to send instead of running, if any."""
        persisted: Any = (request.extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(digest, str) or persisted.get("version") != 1:
            return _refusal(
                "persistedQuery needs version 1 and a sha256Hash.", "PERSISTED_QUERY_NOT_SUPPORTED"
            )
        digest = digest.lower()
        if request.query is None:
            stored = self._documents.get(digest)
            if stored is None:
                return _refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            self._documents.move_to_end(digest)
            request.query = stored
            return None
        if hashlib.sha256(request.query.encode()).hexdigest() != digest:
            return _refusal("provided sha does not match query", "BAD_REQUEST")
        if len(request.query) <= MAX_DOCUMENT_CHARS:
            self._documents[digest] = request.query
            self._documents.move_to_end(digest)
            while len(self._documents) > self.max_documents:
                self._documents.popitem(last=False)
        return None
