"""Evaluations are on the public pages (and in the report): every change to one moves the
pages' cache generation on, as a progress record's does (``indicators.signals``)."""

from django.db.models.signals import post_delete, post_save

from indicators.signals import progress_data_changed

for _label in ("evaluations.Evaluation", "community.Department"):
    post_save.connect(progress_data_changed, sender=_label, dispatch_uid=f"progress-{_label}")
    post_delete.connect(progress_data_changed, sender=_label, dispatch_uid=f"progress-del-{_label}")
