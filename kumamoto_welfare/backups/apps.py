from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "kumamoto_welfare.backups"
    label = "backups"
    verbose_name = "Backups"
