from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key_configured(app_configs, **kwargs):
    """In production the secret key must come from the environment, not a file in the data dir."""
    import os

    if not os.environ.get("ATENSI_SECRET_KEY"):
        return [
            Warning(
                "ATENSI_SECRET_KEY is not set; a key generated into ATENSI_DATA_DIR is used.",
                hint="Set ATENSI_SECRET_KEY to a long random value in production.",
                id="atensi.W001",
            )
        ]
    return []


@register(Tags.database)
def check_database_engine(app_configs, **kwargs):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        return [
            Error(
                f"Unsupported database engine {engine}.",
                hint="Use PostgreSQL (DATABASE_URL=postgres://...) or leave DATABASE_URL unset for SQLite.",
                id="atensi.E001",
            )
        ]
    return []
