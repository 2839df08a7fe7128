"""Once created the city's wards. The wards are data now: ``load_plan`` loads them, with their
municipality, from the plan's data files (municipality.yaml). Kept, empty, for the graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = []
