from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "infrastructure.observability"
    label = "observability"
    verbose_name = "Logs"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the sign-in receivers)
