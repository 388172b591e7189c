"""API for master data: region codes (search and detail) and units."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from .models import Region, RegionLevel, UnitType
from .selectors import region_label, regions_search, units_list

_ANCESTORS = "parent__parent__parent"


class RegionQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Name words (each in the region's or an ancestor's name) or a code, e.g. 31.75.01.",
    )
    level = serializers.ChoiceField(choices=RegionLevel.choices, required=False)
    parent = serializers.RegexField(
        r"^\d{2}(\.\d{2}){0,2}$",
        required=False,
        help_text="Code of an ancestor; only regions below it.",
    )
    include_retired = serializers.BooleanField(
        default=False, help_text="Also codes retired by a split or renumbering."
    )


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    label = serializers.SerializerMethodField()
    parent_code = serializers.CharField(source="parent_id", allow_null=True)
    is_current = serializers.BooleanField()
    valid_until = serializers.DateField(allow_null=True)
    successor_code = serializers.CharField(source="successor_id", allow_null=True)

    def get_label(self, region: Region) -> str:
        return region_label(region)


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)


class RegionDetailSerializer(RegionSerializer):
    ancestors = serializers.SerializerMethodField()

    @extend_schema_field(RegionRefSerializer(many=True))
    def get_ancestors(self, region: Region) -> list[dict]:
        chain = []
        node = region.parent if region.parent_id else None
        while node is not None:
            chain.append(node)
            node = node.parent if node.parent_id else None
        return RegionRefSerializer(reversed(chain), many=True).data


class RegionListView(ListAPIView):
    """Searches region codes by name or code; current codes only unless include_retired."""

    serializer_class = RegionSerializer

    def get_queryset(self):
        params = RegionQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return regions_search(
            query=params.validated_data.get("q", ""),
            level=params.validated_data.get("level", ""),
            parent=params.validated_data.get("parent", ""),
            include_retired=params.validated_data["include_retired"],
        )

    @extend_schema(parameters=[RegionQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RegionDetailView(RetrieveAPIView):
    """One region code, current or retired, with its ancestors and successor."""

    serializer_class = RegionDetailSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"
    queryset = Region.objects.select_related(_ANCESTORS)


class UnitQuery(serializers.Serializer):
    type = serializers.ChoiceField(choices=UnitType.choices, required=False)
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Part of the name, or a code."
    )


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=UnitType.choices)
    city = serializers.CharField()
    province = RegionRefSerializer(allow_null=True)
    regency = RegionRefSerializer(allow_null=True)
    residential_capacity = serializers.IntegerField()
    target_groups = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()


class UnitListView(ListAPIView):
    """Lists the units (Ditjen, secretariat, directorates, sentra) with their regions."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        params = UnitQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return units_list(
            type=params.validated_data.get("type", ""), query=params.validated_data.get("q", "")
        )

    @extend_schema(parameters=[UnitQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
