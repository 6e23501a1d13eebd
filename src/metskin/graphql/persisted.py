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

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator

MAX_DOCUMENTS = 512
MAX_DOCUMENT_CHARS = 32_000  # larger documents run, but are not kept
# Apollo clients (web, iOS, Kotlin) compare the message with this word to send the query again:
# it is a protocol token, the same in every language (its code's sentence is in docs/api.md).
NOT_FOUND = "PersistedQueryNotFound"
NOT_SUPPORTED = _("persistedQuery needs version 1 and a sha256Hash.")
HASH_MISMATCH = _("provided sha does not match query")  # Apollo Server's words


def _refusal(message: str, code: str, tr: Translator | None) -> ExecutionResult:
    """The refusal, said in `tr`'s language (English without); the protocol's `NOT_FOUND`
    as it is."""
    if tr is not None and message != NOT_FOUND:
        message = tr.gettext(message)
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

    def resolve(
        self, request: GraphQLRequestData, tr: Translator | None = None
    ) -> ExecutionResult | None:
        """Fill in the query of a hash-only request, or keep a new document under its hash.
        Returns the refusal to send instead of running, if any (in `tr`'s language)."""
        persisted: Any = (request.extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(digest, str) or persisted.get("version") != 1:
            return _refusal(NOT_SUPPORTED, "PERSISTED_QUERY_NOT_SUPPORTED", tr)
        digest = digest.lower()
        if request.query is None:
            stored = self._documents.get(digest)
            if stored is None:
                return _refusal(NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND", tr)
            self._documents.move_to_end(digest)
            request.query = stored
            return None
        if hashlib.sha256(request.query.encode()).hexdigest() != digest:
            return _refusal(HASH_MISMATCH, "BAD_REQUEST", tr)
        if len(request.query) <= MAX_DOCUMENT_CHARS:
            self._documents[digest] = request.query
            self._documents.move_to_end(digest)
            while len(self._documents) > self.max_documents:
                self._documents.popitem(last=False)
        return None
