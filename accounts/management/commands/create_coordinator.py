"""Create the first coordinator of a new installation (demo data is refused there).

The installation itself acts (``acting_user=None``): whoever runs it has a
shell on the server, and no account can manage accounts yet."""

import getpass
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import installation_account_create
from peersupport.models import User
from peersupport.roles import Role


class Command(BaseCommand):
    help = "Create a coordinator account, asking for its password (or reading it from stdin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of prompting.",
        )

    def handle(self, *args, username, email, password_stdin, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} already exists.")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The two passwords differ.")
        try:
            password_validation.validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        installation_account_create(
            username=username, email=email, roles=[Role.COORDINATOR], password=password
        )
        self.stdout.write(self.style.SUCCESS(f"Coordinator {username} created."))
