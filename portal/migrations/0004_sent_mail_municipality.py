"""The municipality key on the notification mails sent (issue 22), filled for the mails
already sent: the one municipality where there is one, else the recipient's (their staff
profile's); a mail to someone of no municipality keeps none (docs/architecture.md, "Many
municipalities on one installation")."""

import community.models
import django.db.models.deletion
from django.db import migrations, models


def fill_municipality(apps, schema_editor):
    municipalities = list(
        apps.get_model("community", "Municipality").objects.values_list("pk", flat=True)[:2]
    )
    mails = apps.get_model("portal", "SentMail").objects.filter(municipality__isnull=True)
    if len(municipalities) == 1:
        mails.update(municipality_id=municipalities[0])
        return
    profiles = apps.get_model("community", "StaffProfile").objects.filter(
        user=models.OuterRef("recipient"), municipality__isnull=False
    )
    mails.update(municipality_id=models.Subquery(profiles.values("municipality")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0016_staff_prefecture'),
        ('portal', '0003_sent_mail'),
    ]

    operations = [
        migrations.AddField(
            model_name='sentmail',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sent_mails', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
    ]
