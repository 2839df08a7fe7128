"""Organisation types get an English name (``name_en``), filled here for the types the plan
names (programs/data/plan/plan.yaml carries the same names for new installations)."""

from django.db import migrations, models

TYPES_EN = {
    "community-comprehensive-support-centre": "Community comprehensive support centre",
    "welfare-commissioner": "Welfare and child commissioner",
    "neighbourhood-association": "Neighbourhood association",
    "medical-institution": "Medical institution",
    "welfare-facility": "Welfare facility",
    "npo": "Non-profit organisation (NPO)",
    "district-social-welfare-council": "District social welfare council",
    "seniors-club": "Seniors' club",
    "seniors-welfare-centre": "Seniors' welfare centre",
    "seniors-rest-house": "Seniors' rest house",
    "seniors-farm": "Seniors' farm",
    "silver-human-resources-centre": "Silver Human Resources Centre",
    "community-parenting-support-centre": "Community parenting support centre",
    "childrens-hall": "Children's hall",
    "parenting-hot-station": "Parenting drop-in station",
    "family-support-centre": "Family support centre",
    "welfare-commissioner-council": "Council of welfare and child commissioners",
    "parenting-circle": "Parenting circle",
    "parenting-support-group": "Parenting support group",
    "parenting-support-network": "Parenting support network",
    "childcare-facility": "Certified centre for early childhood education, nursery or kindergarten",
    "school": "School",
    "chief-child-welfare-commissioner": "Chief child commissioner",
    "district-youth-development-council": "District youth development council",
    "district-crime-prevention-association": "District crime prevention association",
    "district-self-government-council": "District self-government council",
    "community-hall": "Community hall",
    "health-promotion-committee": "Health promotion committee",
    "consultation-support-body": "Consultation and support body",
}


def fill_english_names(apps, schema_editor):
    OrganisationType = apps.get_model("community", "OrganisationType")
    for organisation_type in OrganisationType.objects.filter(code__in=TYPES_EN, name_en=""):
        organisation_type.name_en = TYPES_EN[organisation_type.code]
        organisation_type.save(update_fields=["name_en"])


class Migration(migrations.Migration):
    dependencies = [("community", "0007_municipality")]

    operations = [
        migrations.AddField(
            model_name="organisationtype",
            name="name_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="英語名"),
        ),
        migrations.AddField(
            model_name="historicalorganisationtype",
            name="name_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="英語名"),
        ),
        migrations.RunPython(fill_english_names, migrations.RunPython.noop),
    ]
