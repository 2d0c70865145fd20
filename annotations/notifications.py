"""Notes that reach people: a reply reaches the author of the note it answers, an @mention the
user it names. Each becomes a Notification in the recipient's inbox (/inbox/, the header's count,
/api/notifications/) and an e-mail, sent after the commit; nobody is told of a note they may not
see, and an e-mail that cannot be sent never fails the request that wrote the note."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import Annotation, Notification

logger = logging.getLogger("annotations.notifications")

# "@name" not inside a word or an e-mail address (bob@example.com mentions nobody). A user name
# has letters, digits and @.+-_ (Django's); a sentence's closing period is not part of it.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
# Japanese runs a name into what follows it ("@aliceさん"): the ASCII part is a name too.
ASCII_NAME = re.compile(r"[A-Za-z0-9_.+-]+")


def mentioned_names(body: str) -> set[str]:
    """The user names the Markdown source mentions, with the ASCII start of each as well."""
    names: set[str] = set()
    for found in MENTION.findall(body):
        names.add(found.rstrip("."))
        start = ASCII_NAME.match(found)
        if start:
            names.add(start.group().rstrip("."))
    return names - {""}


def inbox_of(user: Any) -> QuerySet[Notification]:
    """The user's notifications of notes they may still see (a note narrowed, hidden by a
    moderator or deleted since no longer shows), newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(
        recipient=user,
        annotation__in=Annotation.objects.visible_to(user).filter(deleted=False),
    )


def unread_count(user: Any) -> int:
    return inbox_of(user).filter(read__isnull=True).count()


def mark_read(notifications: QuerySet[Notification]) -> int:
    """Mark these notifications read; how many were unread."""
    return notifications.filter(read__isnull=True).update(read=timezone.now())


@receiver(post_save, sender=Annotation, dispatch_uid="annotations.notifications")
def annotation_saved(
    sender: type[Annotation], instance: Annotation, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Notify, once the note is committed with its tags, whom it reaches: on creation, the
    parent's author and those mentioned; on an edit, those newly mentioned."""
    if raw:
        return  # loaddata: old notes, not news
    if not mentioned_names(instance.body) and not (created and instance.parent_id):
        return  # most saves (an edit, a re-anchoring) concern nobody: no query
    pk = instance.pk
    transaction.on_commit(lambda: notify(pk, created=created), robust=True)


def notify(pk: int, *, created: bool) -> list[Notification]:
    """Make the notifications the note calls for that do not exist yet, and e-mail them."""
    annotation = (
        Annotation.objects.select_related("author", "document", "parent__author")
        .filter(pk=pk, deleted=False)
        .first()
    )
    if annotation is None:
        return []
    made = []
    for recipient, reason in _recipients(annotation, created=created):
        if not Annotation.objects.visible_to(recipient).filter(pk=pk).exists():
            continue  # a mention of someone who may not see the note tells no one of it
        notification, new = Notification.objects.get_or_create(
            recipient=recipient, annotation=annotation, defaults={"reason": reason}
        )
        if new:
            made.append(notification)
    for notification in made:
        send_email(notification)
    return made


def _recipients(annotation: Annotation, *, created: bool) -> list[tuple[User, str]]:
    """Who the note is for, with why, leaving out its author and those already told of it."""
    told = set(annotation.notifications.values_list("recipient_id", flat=True))
    told.add(annotation.author_id)
    found: list[tuple[User, str]] = []
    parent = annotation.parent
    if created and parent is not None and not parent.deleted and parent.author_id not in told:
        found.append((parent.author, Notification.Reason.REPLY))
        told.add(parent.author_id)
    names = mentioned_names(annotation.body)
    if names:
        for user in User.objects.filter(username__in=names, is_active=True).exclude(pk__in=told):
            found.append((user, Notification.Reason.MENTION))
    return found


def send_email(notification: Notification) -> bool:
    """E-mail the notification to its recipient (when e-mail is on and they have an address),
    trying twice; a failure is logged, never raised, and leaves `emailed` empty."""
    recipient = notification.recipient
    if not settings.NOTIFICATION_EMAILS or not recipient.email:
        return False
    message = _email(notification)
    for attempt in (1, 2):
        try:
            message.send()
        except Exception:
            logger.warning(
                "Notification %s: e-mail to %s failed (attempt %s of 2)",
                notification.pk,
                recipient.email,
                attempt,
                exc_info=True,
            )
            continue
        notification.emailed = timezone.now()
        Notification.objects.filter(pk=notification.pk).update(emailed=notification.emailed)
        return True
    logger.error("Notification %s: no e-mail sent to %s", notification.pk, recipient.email)
    return False


def _email(notification: Notification) -> EmailMessage:
    annotation = notification.annotation
    context = {
        "notification": notification,
        "annotation": annotation,
        "author": annotation.author.get_username(),
        "document": annotation.document.title,
        "link": settings.SITE_URL.rstrip("/") + annotation.get_absolute_url(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        if notification.reason == Notification.Reason.REPLY:
            subject = gettext("%(author)s replied to your note on “%(document)s”") % context
        else:
            subject = gettext("%(author)s mentioned you on “%(document)s”") % context
        body = render_to_string("annotations/notification_email.txt", context)
    subject = " ".join(subject.split())  # no line break can reach a header
    return EmailMessage(subject, body, to=[notification.recipient.email])
