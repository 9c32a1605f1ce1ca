from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class NewsroomAdminSite(admin.AdminSite):
    """Django's admin, dressed as a newsroom: the site's name, and the review queue up front."""

    site_header = "Masthead newsroom"
    site_title = "Masthead newsroom"
    index_title = "Desk"

    def each_context(self, request):
        from masthead.site.context import current_site

        from .models import Article
        from .roles import can_review

        context = super().each_context(request)
        context["site_header"] = f"{current_site(request).name} · newsroom"
        if request.user.is_authenticated and can_review(request.user):
            context["review_queue_count"] = Article.objects.filter(
                status=Article.Status.PENDING
            ).count()
        return context


class NewsroomAdminConfig(AdminConfig):
    default_site = "masthead.newsroom.admin_site.NewsroomAdminSite"
