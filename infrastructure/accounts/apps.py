from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "infrastructure.accounts"
    label = "accounts"
    verbose_name = _("職員アカウント")

    def ready(self):
        from . import schema, signals  # noqa: F401  (connects the receivers, the schema)
