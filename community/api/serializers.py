from rest_framework import serializers

from community.models import SchoolDistrict, Ward


class WardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ward
        fields = ["code", "name", "name_en"]


class SchoolDistrictSerializer(serializers.ModelSerializer):
    ward = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = SchoolDistrict
        fields = ["code", "name", "ward"]
