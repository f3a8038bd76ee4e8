"""The answers every endpoint of the partner API may give, for the OpenAPI schema."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(required=False, help_text="rang de l'acte dans le lot, à partir de 0")
    champ = serializers.CharField()
    message = serializers.CharField()


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    erreurs = ErrorSerializer(many=True)


COMMON = {
    400: OpenApiResponse(DetailSerializer, description="Corps illisible (JSON invalide)."),
    401: OpenApiResponse(DetailSerializer, description="Jeton absent, inconnu, révoqué ou expiré."),
    403: OpenApiResponse(DetailSerializer, description="Ce jeton n'a pas ce droit."),
    429: OpenApiResponse(DetailSerializer, description="Trop d'appels : réessayer après Retry-After."),
}
WRITES = {
    **COMMON,
    422: OpenApiResponse(RefusalSerializer, description="Refusé : chaque erreur par champ."),
}
