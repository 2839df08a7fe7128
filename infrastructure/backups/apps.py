from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "infrastructure.backups"
    label = "backups"
    verbose_name = "Backups"
