"""The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) on the POSTs that create
something (marked by config.idempotency.idempotent): a client that sends a create again with the
same key (after a lost answer, a 503, a network error) gets the first answer again instead of a
second copy.

How a request with a key goes:
1. Its fingerprint: sha256 of the method, the full path, whose key it is (the user; a client
   address for a request without an account) and the body; a multipart body without its boundary,
   which a client picks anew each time it sends the same form.
2. The key is claimed: a row committed at once, running for IDEMPOTENCY_RUNNING_SECONDS. A key
   claimed already answers instead: with its kept answer (same fingerprint), a 422 (another
   one), or a 409 while its first request is still running. A claim whose time is past (its
   worker was killed) is taken over.
3. The view runs in a transaction, and a success's answer is written to the row in that same
   transaction: a create that was committed keeps its answer with it, one that was not leaves
   neither. An answer that is not a success (a 4xx, a 503) changed nothing: its transaction is
   rolled back and the key released, and the request may be sent again.

Keys are kept IDEMPOTENCY_KEY_SECONDS (a day); expired ones are removed when their scope next
claims one, and by `manage.py forget_idempotency_keys`.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from config.accounts import client_address
from config.api.errors import json_error
from config.idempotency import HEADER, honours_key, parse_key

from .models import IdempotencyKey

logger = logging.getLogger(__name__)

# What a replayed answer keeps of the first one's headers, besides its status and body.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Location", "Link")
REPLAYED = "Idempotent-Replayed"
CHUNK = 64 * 1024


class IdempotencyKeyMiddleware:
    """Last in MIDDLEWARE: it wraps the view (and the middleware's view hooks) in the transaction
    that also keeps the answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = request.headers.get(HEADER)
        if header is None or request.method != "POST" or not _honours_key(request):
            return self.get_response(request)
        key = parse_key(header)
        if key is None:
            message = gettext(
                "Give 1 to 255 visible ASCII characters (a UUID), in double quotes or not."
            )
            return json_error(f"{HEADER}: {message}", 400, HEADER)
        scope = _scope(request)
        claim, answer = _claim(scope, key, _fingerprint(request, scope))
        if answer is not None:
            return answer
        assert claim is not None
        return self._run(request, claim)

    def _run(self, request: HttpRequest, claim: IdempotencyKey) -> HttpResponseBase:
        kept = False
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if _succeeded(response):
                    kept = _keep(claim, response)
                    if not kept:  # taken over after its time ran out: the other one answers
                        response = _running(claim.key)
                if not kept:
                    transaction.set_rollback(True)
        except Exception:
            _release(claim)  # the commit failed (the database went away): nothing was kept
            raise
        if not kept:
            _release(claim)
        return response


def _honours_key(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    request.idempotency_view = match.func  # type: ignore[attr-defined]
    return honours_key(match.func, request.method or "")


def _scope(request: HttpRequest) -> str:
    """Whose key it is: the user's (by session, or by token for the API), else the address's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    view_class = getattr(request.idempotency_view, "cls", None)  # type: ignore[attr-defined]
    for authenticator in getattr(view_class, "authentication_classes", ()):
        if issubclass(authenticator, SessionAuthentication):
            continue  # the session's user is request.user, above
        try:
            found = authenticator().authenticate(Request(request))
        except APIException:
            found = None  # a wrong token: the view refuses it
        if found is not None:
            return f"user:{found[0].pk}"
    return f"client:{client_address(request) or ''}"


def _fingerprint(request: HttpRequest, scope: str) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), scope):
        digest.update(part.encode() + b"\0")
    boundary = b""
    if request.content_type == "multipart/form-data":
        boundary = (request.content_params or {}).get("boundary", "").encode("latin-1")
    body = _body_of(request)
    _hash_without(body, boundary, digest)
    body.seek(0)
    return digest.hexdigest()


def _body_of(request: HttpRequest) -> IO[bytes]:
    """The request's body, read once into a file (in memory while small) that the request then
    reads as if untouched: the view's parsers read it from there."""
    body: IO[bytes] = tempfile.SpooledTemporaryFile(
        max_size=settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**20
    )
    if hasattr(request, "_body"):
        body.write(request._body)
    else:
        while chunk := request.read(CHUNK):
            body.write(chunk)
    body.seek(0)
    request._stream = cast(BinaryIO, body)  # the parsers read it from here
    request._read_started = False  # type: ignore[attr-defined]
    return body


def _hash_without(body: IO[bytes], boundary: bytes, digest: Any) -> None:
    """Hash the body with every occurrence of `boundary` taken out (none when it is empty), in
    chunks, minding an occurrence that straddles two of them."""
    carry = b""
    keep = max(len(boundary) - 1, 0)
    while chunk := body.read(CHUNK):
        data = carry + chunk
        split = max(len(data) - keep, 0)
        if boundary:
            last = data.rfind(boundary)
            if last != -1 and last + len(boundary) > split:
                split = last + len(boundary)
            digest.update(data[:split].replace(boundary, b""))
        else:
            digest.update(data[:split])
        carry = data[split:]
    digest.update(carry)


def _claim(
    scope: str, key: str, fingerprint: str
) -> tuple[IdempotencyKey | None, HttpResponse | None]:
    """The claim on the key, or the answer to give instead (the first answer again, a 422 or a
    409)."""
    now = timezone.now()
    IdempotencyKey.objects.expired().filter(scope=scope).delete()
    claim = IdempotencyKey(
        scope=scope,
        key=key,
        fingerprint=fingerprint,
        token=uuid.uuid4(),
        running_until=now + timedelta(seconds=settings.IDEMPOTENCY_RUNNING_SECONDS),
        expires=now + timedelta(seconds=settings.IDEMPOTENCY_KEY_SECONDS),
    )
    try:
        with transaction.atomic():
            claim.save()
        return claim, None
    except IntegrityError:
        pass
    found = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if found is None:  # released just now by its request, which failed: it may be sent again
        return _claim(scope, key, fingerprint)
    if found.fingerprint != fingerprint:
        message = gettext(
            "The key “%(key)s” was sent with another request (another body or path): send a "
            "new key with each new request."
        ) % {"key": key}
        return None, json_error(f"{HEADER}: {message}", 422, HEADER)
    if found.running_until is None:
        return None, _replay(found)
    if found.running:
        return None, _running(key)
    taken = IdempotencyKey.objects.filter(pk=found.pk, token=found.token).update(
        token=claim.token, running_until=claim.running_until
    )
    if not taken:
        return None, _running(key)
    found.token = claim.token
    return found, None


def _running(key: str) -> HttpResponse:
    message = gettext(
        "A request with the key “%(key)s” is still running: wait for its answer, or send "
        "this one again in a moment."
    ) % {"key": key}
    response = json_error(f"{HEADER}: {message}", 409, HEADER)
    response["Retry-After"] = "1"
    return response


def _succeeded(response: HttpResponseBase) -> bool:
    return 200 <= response.status_code < 400 and not response.streaming


def _keep(claim: IdempotencyKey, response: HttpResponseBase) -> bool:
    """Write the answer to the claim (in the request's transaction); False if the claim was
    taken over meanwhile."""
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return bool(
        IdempotencyKey.objects.filter(pk=claim.pk, token=claim.token).update(
            running_until=None,
            status=response.status_code,
            headers=headers,
            body=response.content,  # type: ignore[attr-defined]  # not streaming: _succeeded
        )
    )


def _release(claim: IdempotencyKey) -> None:
    """Let the key be used again after an answer that changed nothing (a claim still running
    only: never an answer kept, by a commit that went through after all)."""
    try:
        IdempotencyKey.objects.filter(
            pk=claim.pk, token=claim.token, running_until__isnull=False
        ).delete()
    except DatabaseError:  # the database is away: the claim's time runs out instead
        logger.warning("Idempotency key %s of %s not released", claim.key, claim.scope)


def _replay(found: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(found.body), status=found.status or 200)
    for name, value in found.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response
