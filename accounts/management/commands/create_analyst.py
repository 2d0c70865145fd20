from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from accounts.models import ANALYSTS_GROUP, Team


class Command(BaseCommand):
    help = (
        "Create an analyst: a user in the analysts group, who may annotate. The password comes "
        "from ANALYST_PASSWORD when set (for scripts), else from a prompt. --team SLUG "
        "(repeatable) puts them in a team, made when there is none of that slug yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            metavar="SLUG",
            help="A team to join (repeatable); made when it does not exist yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError("Give a user name.")
        field = User._meta.get_field("username")
        try:
            field.run_validators(username)
        except ValidationError as error:
            problem = " ".join(error.messages)
            raise CommandError(f"“{username}” cannot be a user name: {problem}") from error
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"A user named “{username}” already exists; choose another name, or add them to "
                f"the {ANALYSTS_GROUP} group in the admin."
            )
        teams = [slug.strip() for slug in options["team"]]
        for slug in teams:
            if not slug or slugify(slug) != slug:
                raise CommandError(
                    f"“{slug}” is not a team slug: use lower-case letters, digits and hyphens "
                    "(korea-desk)."
                )
        password = os.environ.get("ANALYST_PASSWORD") or self._prompt()
        user = User(username=username, email=options["email"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=ANALYSTS_GROUP)[0])
            for slug in teams:
                user.groups.add(Team.named(slug).group)
        joined = f", in {', '.join(teams)}" if teams else ""
        self.stdout.write(self.style.SUCCESS(f"Analyst “{username}” created{joined}."))

    def _prompt(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password is empty.")
        return password
