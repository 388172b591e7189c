from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "atensi.common"
    label = "common"
    verbose_name = _("Umum dan audit")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
