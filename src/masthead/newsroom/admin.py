"""The newsroom in Django's admin: articles with review, revisions and preview; the desk's lists.

Who may do what is decided in `roles`; this module only asks it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from masthead import changes

from . import roles
from .markdown import render_markdown
from .models import Article, Author, Page, Revision, Section, SiteSettings, Tag


class ArticleForm(forms.ModelForm):
    """The article form, told who is using it so it can refuse what their role may not do."""

    user = None  # set by ArticleAdmin.get_form

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "class": "markdown-body-input",
                                          "data-preview-url": "../preview-markdown/"}),
            "dek": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields and self.user is not None:
            allowed = roles.allowed_statuses(self.user, self.instance)
            self.fields["status"].choices = [
                c for c in self.fields["status"].choices if c[0] in allowed
                or c[0] == self.instance.status
            ]
        if self.instance.pk and self.instance.first_published_at and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed: the article has been published."

    def _get_validation_exclusions(self):
        excluded = super()._get_validation_exclusions()
        # The choice fields fetched the chosen section and original already: the model's own
        # check that they exist would ask the database again.
        excluded.update(name for name in ("section", "translation_of")
                        if self.cleaned_data.get(name) is not None)
        return excluded

    def clean_status(self):
        status = self.cleaned_data["status"]
        going_out = status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED)
        unchanged = self.instance.pk and status == self.instance.status
        if going_out and not unchanged and not roles.can_publish_article(self.user, self.instance):
            raise forms.ValidationError(
                "Your role cannot publish: choose “Pending review” to submit it to an editor."
            )
        return status


class InlineRegistry:
    """Inlines other apps add to an admin form, so the newsroom need not know those apps: an
    app registers its inlines from its AppConfig.ready(), e.g.
    `article_inlines.register(RelatedPinInline)`. They follow the form's own inlines, in the
    order registered."""

    def __init__(self):
        self._inlines: list = []

    def register(self, *inlines) -> None:
        self._inlines += [inline for inline in inlines if inline not in self._inlines]

    def __iter__(self):
        return iter(self._inlines)


article_inlines = InlineRegistry()


@admin.register(Article)
class ArticleAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    role_policy = roles.article_policy
    form = ArticleForm
    list_display = ["title", "status_badge", "section", "byline", "published_at", "is_lead",
                    "importance"]
    list_filter = ["status", "section", "language", "is_lead"]
    search_fields = ["title", "dek", "body", "source_name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "authors", "translation_of"]
    readonly_fields = ["first_published_at", "history_link"]
    actions = ["publish_selected", "send_back_selected"]
    list_select_related = ["section"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body"]}),
        ("Placement", {"fields": ["section", "tags", "authors", "language", "importance",
                                  "is_lead", "breaking_until"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_at", "review_note",
                                   "first_published_at", "history_link"]}),
        ("Source attribution", {"fields": ["source_name", "source_url", "source_language",
                                           "source_published_at", "translation_of"],
                                "classes": ["collapse"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_url", "image_alt",
                                       "image_caption"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["masthead/admin-preview.js"]
        css = {"all": ["masthead/admin.css"]}

    # -- what each role sees and may do ---------------------------------------------------------
    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *article_inlines]

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("authors")
        if not roles.can_review(request.user):
            # Authors and contributors work on their own pieces only.
            qs = qs.filter(Q(created_by=request.user) | Q(authors__user=request.user)).distinct()
        return qs

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("BoundArticleForm", (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.can_review(request.user):
            fields += ["review_note", "is_lead", "breaking_until", "importance"]
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not roles.can_review(request.user):
            actions.pop("publish_selected", None)
            actions.pop("send_back_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # The form says which tags and bylines the article now has: no need to ask the database.
        chosen = form.cleaned_data
        author_ids = ([a.pk for a in chosen["authors"]] if "authors" in chosen
                      else list(article.authors.values_list("pk", flat=True)))
        if not author_ids:
            author = Author.objects.filter(user=request.user).first()
            if author is None:
                author = Author.objects.create(
                    user=request.user,
                    display_name=request.user.get_full_name() or request.user.get_username(),
                )
            article.authors.add(author)
            author_ids = [author.pk]
        tag_ids = [t.pk for t in chosen["tags"]] if "tags" in chosen else None
        Revision.snapshot(article, request.user, tag_ids=tag_ids, author_ids=author_ids)

    # -- list columns ---------------------------------------------------------------------------
    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="status status-{}">{}</span>', obj.status,
                           obj.get_status_display())

    @admin.display(description="By")
    def byline(self, obj):
        return ", ".join(a.display_name for a in obj.authors.all())

    @admin.display(description="History")
    def history_link(self, obj):
        if not obj or not obj.pk:
            return "Saved versions appear here after the first save."
        url = reverse("admin:newsroom_article_revisions", args=[obj.pk])
        return format_html('<a href="{}">{} saved version(s): compare and restore</a>', url,
                           obj.revisions.count())

    # -- review queue ---------------------------------------------------------------------------
    @admin.action(description="Publish selected articles")
    def publish_selected(self, request, queryset):
        with changes.bulk():  # the stores hear of every article at once, after the action
            done = self._publish(request, queryset)
        self.message_user(request, f"{done} article(s) published.", messages.SUCCESS)

    def _publish(self, request, queryset) -> int:
        done = 0
        for article in queryset:
            if roles.can_publish_article(request.user, article):
                article.status = Article.Status.PUBLISHED
                article.review_note = ""
                article.save()
                Revision.snapshot(article, request.user)
                done += 1
        return done

    @admin.action(description="Send selected back to their writers (draft)")
    def send_back_selected(self, request, queryset):
        done = 0
        with changes.bulk():
            for article in queryset.filter(status=Article.Status.PENDING):
                article.status = Article.Status.DRAFT
                article.review_note = (article.review_note
                                       or "Sent back by the desk: see the editor.")
                article.save()
                Revision.snapshot(article, request.user)
                done += 1
        self.message_user(request, f"{done} article(s) sent back.", messages.SUCCESS)

    # -- revisions and preview ------------------------------------------------------------------
    def get_urls(self):
        own = [
            path("<int:pk>/revisions/", self.admin_site.admin_view(self.revisions_view),
                 name="newsroom_article_revisions"),
            path("<int:pk>/revisions/<int:rev>/restore/",
                 self.admin_site.admin_view(self.restore_view),
                 name="newsroom_article_restore"),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="newsroom_article_preview"),
            path("preview-markdown/", self.admin_site.admin_view(self.preview_markdown_view),
                 name="newsroom_preview_markdown"),
            path("<path:object_id>/preview-markdown/",
                 self.admin_site.admin_view(self.preview_markdown_view)),
        ]
        return own + super().get_urls()

    def _article_for(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        if not roles.can_edit_article(request.user, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, pk):
        article = self._article_for(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of “{article.title}”",
            "article": article,
            "revisions": article.revisions.select_related("user"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/newsroom/article/revisions.html", context)

    def restore_view(self, request, pk, rev):
        article = self._article_for(request, pk)
        revision = get_object_or_404(Revision, pk=rev, article=article)
        if request.method != "POST":
            raise Http404("Restore with the button on the history page.")
        wants_live = revision.data.get("status") in (Article.Status.PUBLISHED,
                                                     Article.Status.SCHEDULED)
        if wants_live and not roles.can_publish_article(request.user, article):
            revision.data["status"] = article.status
        revision.restore(request.user)
        self.message_user(request, f"Restored the version of {revision.created_at:%Y-%m-%d %H:%M}.",
                          messages.SUCCESS)
        return redirect("admin:newsroom_article_change", article.pk)

    def preview_view(self, request, pk):
        from masthead.site.views import render_article

        article = self._article_for(request, pk)
        return render_article(request, article, preview=True)

    def preview_markdown_view(self, request, object_id=None):
        if request.method != "POST":
            return JsonResponse({"error": "POST the Markdown as 'body'."}, status=405)
        return JsonResponse({"html": render_markdown(request.POST.get("body", ""))})


@admin.register(Section)
class SectionAdmin(roles.RoleAdminMixin, admin.ModelAdmin):  # the role groups' permissions
    list_display = ["name", "slug", "parent", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Section.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tag)
class TagAdmin(roles.RoleAdminMixin, admin.ModelAdmin):  # the role groups' permissions
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(roles.RoleAdminMixin, admin.ModelAdmin):  # the role groups' permissions
    list_display = ["display_name", "slug", "user"]
    search_fields = ["display_name", "user__username"]
    prepopulated_fields = {"slug": ["display_name"]}


@admin.register(Page)
class PageAdmin(roles.RoleAdminMixin, admin.ModelAdmin):  # the role groups' permissions
    list_display = ["title", "slug", "is_published", "show_in_footer", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "body"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    role_policy = roles.site_managers_policy
    list_display = ["name", "tagline", "language", "time_zone"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # the site's one row of settings


# Users and roles: only administrators (Django's defaults would let anyone with the permission in).
User = get_user_model()
for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class StaffAdmin(roles.RoleAdminMixin, UserAdmin):
    role_policy = roles.site_managers_policy
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]

    @admin.display(description="Role")
    def role(self, obj):
        role = roles.role_of(obj)
        return role.value if role else "—"


@admin.register(Group)
class RoleAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    role_policy = roles.site_managers_policy

    def has_delete_permission(self, request, obj=None):
        return False  # the four role groups are made by every migrate
