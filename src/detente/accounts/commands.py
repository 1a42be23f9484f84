"""``detente createuser``."""

from __future__ import annotations

import argparse
import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from detente import audit
from detente.accounts.models import Membership, Organisation, User


def create_user_interactively(args: argparse.Namespace) -> int:
    email = args.email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        print(f"email: {email} already has an account", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            print("password: the two passwords differ", file=sys.stderr)
            return 2
    try:
        validate_password(password, User(email=email, full_name=args.name))
    except ValidationError as exc:
        print("password: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            full_name=args.name,
            is_staff=args.superuser,
            is_superuser=args.superuser,
        )
        audit.log(None, "create", user, after=audit.snapshot(user))
        if args.organisation:
            organisation, _ = Organisation.objects.get_or_create(name=args.organisation)
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=args.role
            )
            audit.log(
                None,
                "create",
                membership,
                after=audit.snapshot(membership),
                organisation=organisation,
            )
    where = f" in {args.organisation} as {args.role}" if args.organisation else ""
    print(f"Created {email}{where}.")
    return 0
