from django.apps import AppConfig


class AntispamConfig(AppConfig):
    name = "masthead.antispam"
    verbose_name = "Spam defence"
    default_auto_field = "django.db.models.BigAutoField"
