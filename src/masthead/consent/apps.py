from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "masthead.consent"
    verbose_name = "Consent and privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.site import slots

        from . import personal_data, signals
        from .sources.accounts import AccountsSource
        from .sources.comments import CommentsSource, declare_comment_cookie
        from .sources.consent_log import ConsentLogSource

        for source in (CommentsSource(), ConsentLogSource(), AccountsSource()):
            personal_data.register(source)
        signals.connect()
        declare_comment_cookie()
        slots.register("page-body", "consent/page_body.html")  # the policy page's cookie list
        slots.register("footer-links", "consent/footer_link.html")
        slots.register("foot", "consent/banner.html")
