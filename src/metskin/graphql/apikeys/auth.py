"""The API key of an HTTP request: `X-API-Key: <key>` or `Authorization: ApiKey <key>`.

A request with a key acts as the key's owner, with the plain user role (an admin's or a
dermatologist's key carries none of their powers). A key that does not authenticate refuses
the whole request (it does not fall back to anonymous), and so does a request that sends two
different credentials. Websockets take no key.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import DocumentNode, GraphQLSchema

from metskin.domain.accounts.model import Role
from metskin.domain.apikeys.errors import ApiKeyInvalid, ApiKeyScopeMissing
from metskin.domain.errors import DomainError
from metskin.domain.i18n.marks import _
from metskin.graphql.apikeys.scopes import refused_fields
from metskin.graphql.context import Context, Viewer, run_sync


def sent_key(headers: Mapping[str, str]) -> str | None:
    """The key the request sends, if any (raises when it sends two credentials)."""
    header = (headers.get("x-api-key") or "").strip()
    scheme, _space, value = (headers.get("authorization") or "").strip().partition(" ")
    in_authorization = value.strip() if scheme.lower() == "apikey" else ""
    if header and scheme and header != in_authorization:
        raise ApiKeyInvalid(_("Send one credential: an API key or a bearer token, not both."))
    if not (header or in_authorization) and ("x-api-key" in headers or scheme.lower() == "apikey"):
        # An integrator's unset variable: before, the request ran as anonymous.
        raise ApiKeyInvalid(_("The API key header is empty: send the key after it."))
    return header or in_authorization or None


async def authenticate_api_key(context: Context, headers: Mapping[str, str]) -> None:
    try:
        raw = sent_key(headers)
        if raw is None:
            return
        use = await run_sync(context.container.api_keys.authenticate, raw)
    except DomainError as error:
        context.viewer, context.api_key_error = None, error
        return
    context.viewer, context.api_key, context.auth_error = (
        Viewer(use.owner_id, Role.PATIENT),
        use,
        None,
    )


def key_refusal(
    context: Context, schema: GraphQLSchema, document: DocumentNode
) -> DomainError | None:
    """Why a request made with a key may not run (its key failed, or it asks for a field its
    scopes do not cover), or None."""
    if context.api_key_error is not None:
        return context.api_key_error
    if context.api_key is None:
        return None
    refused = refused_fields(schema, document, context.api_key.scopes)
    if refused:
        not_covered = _("This API key's scopes do not cover: {fields}.")
        if any(name.split(".")[-1] in ("__schema", "__type") for name in refused):
            not_covered = _(
                "This API key's scopes do not cover: {fields}. Introspection needs no key: "
                "send it without one, or read the schema.graphql file."
            )
        return ApiKeyScopeMissing.translatable(not_covered, fields=", ".join(refused))
    return None
