from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _article_shows(article) -> dict:
    # Only loaded fields (see changes.follow): a list that loaded titles alone must not fetch more.
    return {"articles": [article.pk, article.__dict__.get("translation_of_id")]}


class NewsroomConfig(AppConfig):
    name = "masthead.newsroom"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead import changes

        from .models import Article, Author, Page, Section, SiteSettings, Tag
        from .roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)
        # Everything readers see of the newsroom announces through the change seam. An article
        # remembers its translation link as loaded, so leaving an original tells that one too.
        changes.follow(Article, _article_shows, remember=True)
        changes.follow(Section, lambda section: {"sections": [section.pk]})
        changes.follow(Tag, lambda tag: {"tags": [tag.pk]})
        changes.follow(Author, lambda author: {"authors": [author.pk]})
        changes.follow(Page, lambda page: {"pages": [page.pk]})
        changes.follow(SiteSettings, lambda settings: {"site": True})
