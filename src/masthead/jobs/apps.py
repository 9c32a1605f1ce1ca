from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "masthead.jobs"
    verbose_name = "Background jobs"
