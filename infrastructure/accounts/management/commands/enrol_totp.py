"""Give a staff account a TOTP device (the second factor) and print what the authenticator
app needs: the first admin's own device, or anyone's when the admin is out of reach. In the
admin, 「TOTP devices」 does the same and shows a QR code."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Add a TOTP device (second factor) to a staff account and print its setup URL."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="the device's name")
        parser.add_argument(
            "--replace", action="store_true", help="delete the account's other TOTP devices"
        )

    def handle(self, username, name, replace, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(f"Device {device.name!r} added for {username}.")
        self.stdout.write(
            f"Secret (enter it in the app by hand): {b32encode(device.bin_key).decode()}"
        )
        self.stdout.write(f"Setup URL (otpauth, as a QR code in the admin): {device.config_url}")
