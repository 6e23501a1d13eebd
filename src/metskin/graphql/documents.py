"""Each distinct document is parsed and validated once (issue 17, point 2).

One extension does what strawberry's ParserCache, ValidationCache, MaxTokensLimiter and
AddValidationRules did as four: it sets the token limit and the schema's extra rules (the depth
and alias limits, built once), and keeps, by the query's text, the parsed document and its
validation errors in a bounded LRU per schema. A known text gets the same document object and
the same errors back with a dictionary lookup: the stock validation cache hashed the whole
document tree on every request to find it. A text that does not parse is not kept: strawberry
parses it (and reports the error) every time, as before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_DOCUMENTS = 512


@dataclass
class DocumentStore:
    """The documents of one schema, by text, with their validation errors."""

    max_tokens: int
    rules: tuple[type[ASTValidationRule], ...]
    max_documents: int = MAX_DOCUMENTS
    _known: OrderedDict[str, tuple[DocumentNode, list[GraphQLError]]] = field(
        default_factory=OrderedDict
    )

    def __len__(self) -> int:
        return len(self._known)

    def get(self, text: str) -> tuple[DocumentNode, list[GraphQLError]] | None:
        found = self._known.get(text)
        if found is not None:
            self._known.move_to_end(text)
        return found

    def keep(self, text: str, document: DocumentNode, errors: list[GraphQLError]) -> None:
        self._known[text] = (document, errors)
        while len(self._known) > self.max_documents:
            self._known.popitem(last=False)


class DocumentCache(SchemaExtension):
    def __init__(self, *, store: DocumentStore) -> None:
        self.store = store

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.parse_options["max_tokens"] = self.store.max_tokens
        ctx.validation_rules = ctx.validation_rules + self.store.rules
        yield

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        known = self.store.get(ctx.query) if ctx.query and ctx.graphql_document is None else None
        if known is not None:
            ctx.graphql_document = known[0]
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document, text = ctx.graphql_document, ctx.query
        assert document is not None  # parsed, or the request ended with the parse error
        known = self.store.get(text) if text else None
        if known is not None and known[0] is document:
            ctx.pre_execution_errors = known[1]
        else:
            errors = validate_document(ctx.schema._schema, document, ctx.validation_rules)
            if text:
                self.store.keep(text, document, errors)
            ctx.pre_execution_errors = errors
        yield
