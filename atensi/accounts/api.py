from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .services import user_authenticate, user_token


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")


class TokenObtainView(APIView):
    """Exchanges a username and password for the API token (same lockout as the login page)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenRequest, responses=TokenResponse)
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_authenticate(request=request, **data.validated_data)
        return Response({"token": user_token(actor=user, user=user)})


class MeView(APIView):
    """Who the token belongs to: role and unit, so clients can show what applies."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
