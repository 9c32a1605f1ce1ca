"""Moderation in the admin: the queue (Pending, Approved, Spam, Trash with counts), bulk actions,
search, the filter's reasons, reply from the admin, per-article lists, discussion settings."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from masthead.antispam.admin import warn_if_model_unreadable
from masthead.newsroom import roles
from masthead.site.proxies import client_ip

from .forms import NOT_TEXT_MESSAGE, NOT_TEXT_RE
from .models import (
    MAX_COMMENT_LENGTH,
    ArticleComments,
    ArticleDiscussion,
    Comment,
    DiscussionSettings,
)
from .moderation import Action, moderate


class StatusFilter(admin.SimpleListFilter):
    """Pending, Approved, Spam, Trash, each with its count (one query)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        counts = dict(Comment.objects.order_by().values_list("status").annotate(n=Count("pk")))
        return [(s.value, f"{s.label} ({counts.get(s.value, 0)})") for s in Comment.Status]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


def _bulk(action: str, done: str):
    def run(modeladmin, request, queryset):
        changed, note = moderate(list(queryset), action)
        modeladmin.message_user(request, f"{changed} comment(s) {done}. {note}".strip(),
                                messages.SUCCESS)

    run.__name__ = f"bulk_{action}"
    return run


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["article", "parent", "author", "author_email", "author_url", "text", "status"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        if NOT_TEXT_RE.search(text):
            raise forms.ValidationError(NOT_TEXT_MESSAGE)
        if len(text) > MAX_COMMENT_LENGTH:
            raise forms.ValidationError(f"Keep comments under {MAX_COMMENT_LENGTH:,} characters.")
        return text


class ReplyForm(forms.Form):
    text = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 8}),
                           max_length=MAX_COMMENT_LENGTH)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if NOT_TEXT_RE.search(text):
            raise forms.ValidationError(NOT_TEXT_MESSAGE)
        return text


ACTION_FOR_STATUS = {
    Comment.Status.APPROVED: Action.APPROVE, Comment.Status.PENDING: Action.UNAPPROVE,
    Comment.Status.SPAM: Action.SPAM, Comment.Status.TRASH: Action.TRASH,
}


@admin.register(Comment)
class CommentAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    role_policy = roles.moderators_policy
    form = CommentAdminForm
    list_display = ["author_column", "excerpt", "article_column", "status", "verdict_column",
                    "created_at"]
    list_filter = [StatusFilter, "spam_verdict", "created_at"]
    search_fields = ["author", "author_email", "author_ip", "text"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    raw_id_fields = ["article", "parent"]
    list_per_page = 50
    readonly_fields = ["reasons", "spam_verdict", "spam_score", "author_ip", "agent", "user",
                       "created_at", "status_changed_at", "trained_as", "rendered"]
    fieldsets = [
        (None, {"fields": ["article", "parent", "status", "text", "rendered"]}),
        ("Author", {"fields": ["author", "author_email", "author_url", "author_ip", "agent",
                               "user"]}),
        ("Spam filter", {"fields": ["spam_verdict", "spam_score", "reasons", "trained_as"]}),
        ("Dates", {"fields": ["created_at", "status_changed_at"]}),
    ]
    actions = [
        _bulk(Action.APPROVE, "approved"), _bulk(Action.UNAPPROVE, "unapproved"),
        _bulk(Action.SPAM, "marked as spam"), _bulk(Action.NOT_SPAM, "marked as not spam"),
        _bulk(Action.TRASH, "moved to the Trash"), _bulk(Action.RESTORE, "restored"),
        "delete_selected",
    ]

    def changelist_view(self, request, extra_context=None):
        warn_if_model_unreadable(request)
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        labels = {
            "bulk_approve": "Approve", "bulk_unapprove": "Unapprove",
            "bulk_spam": "Mark as spam", "bulk_not_spam": "Not spam",
            "bulk_trash": "Move to Trash", "bulk_restore": "Restore from Trash",
        }
        for name, label in labels.items():
            if name in actions:
                func, _, _ = actions[name]
                actions[name] = (func, name, label)
        return actions

    @admin.display(description="Author", ordering="author")
    def author_column(self, obj):
        return format_html("<strong>{}</strong><br>{}<br><small>{}</small>", obj.author,
                           obj.author_email or "—", obj.author_ip or "")

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(160)

    @admin.display(description="In response to", ordering="article__title")
    def article_column(self, obj):
        changelist = reverse("admin:comments_comment_changelist")
        only_this = f"{changelist}?article__id__exact={obj.article_id}"
        return format_html('<a href="{}">{}</a>', only_this, Truncator(obj.article.title).chars(60))

    @admin.display(description="Filter said", ordering="spam_score")
    def verdict_column(self, obj):
        if not obj.spam_verdict:
            return "—"
        score = f" ({obj.spam_score:.2f})" if obj.spam_score is not None else ""
        return f"{obj.spam_verdict}{score}"

    @admin.display(description="Why")
    def reasons(self, obj):
        if not obj.spam_reasons:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li><strong>{}</strong>: {} <small>(weight {})</small></li>",
            ((r.get("signal", ""), r.get("detail", ""), r.get("weight", 0))
             for r in obj.spam_reasons if isinstance(r, dict)),
        ))

    @admin.display(description="As readers see it")
    def rendered(self, obj):
        return format_html('<div class="comment-preview">{}</div>', obj.text_html) \
            if obj.text_html else "—"

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            wanted = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            _, note = moderate([obj], ACTION_FOR_STATUS[wanted])
            if note:
                self.message_user(request, note)
            return
        super().save_model(request, obj, form, change)

    # -- reply from the admin ------------------------------------------------------------------
    def get_urls(self):
        return [
            path("<int:pk>/reply/", self.admin_site.admin_view(self.reply_view),
                 name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def reply_view(self, request, pk):
        if not roles.can_moderate(request.user):
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        parent = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if parent.status == Comment.Status.PENDING:
                moderate([parent], Action.APPROVE)  # WordPress's "Approve and Reply"
            user = request.user
            byline = getattr(user, "author", None)
            Comment.objects.create(
                article=parent.article, parent=parent, user=user, text=form.cleaned_data["text"],
                author=(byline.display_name if byline else user.get_full_name()) or user.username,
                author_email=user.email, author_ip=client_ip(request),
                agent=request.META.get("HTTP_USER_AGENT", ""), status=Comment.Status.APPROVED,
                spam_reasons=[{"signal": "moderator", "detail": "written in the admin",
                               "weight": 0.0}],
            )
            self.message_user(request, "Your reply is published.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        return TemplateResponse(request, "admin/comments/comment/reply.html", {
            **self.admin_site.each_context(request), "title": f"Reply to {parent.author}",
            "parent": parent, "form": form, "opts": self.model._meta,
        })


@admin.register(ArticleComments)
class ArticleCommentsAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    role_policy = roles.moderators_policy
    """Comments per article: counts by status, open or closed, a link to each list."""

    list_display = ["title", "published_at", "pending", "approved", "spam", "open_column",
                    "comments_link"]
    search_fields = ["title"]
    actions = ["close_comments", "open_comments"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("discussion").annotate(
            n_pending=Count("comments", filter=Q(comments__status=Comment.Status.PENDING)),
            n_approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED)),
            n_spam=Count("comments", filter=Q(comments__status=Comment.Status.SPAM)),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


    @admin.display(description="Pending", ordering="n_pending")
    def pending(self, obj):
        return obj.n_pending

    @admin.display(description="Approved", ordering="n_approved")
    def approved(self, obj):
        return obj.n_approved

    @admin.display(description="Spam", ordering="n_spam")
    def spam(self, obj):
        return obj.n_spam

    @admin.display(description="Comments open", boolean=True)
    def open_column(self, obj):
        discussion = getattr(obj, "discussion", None)
        return discussion.comments_open if discussion else True

    @admin.display(description="")
    def comments_link(self, obj):
        url = reverse("admin:comments_comment_changelist") + f"?article__id__exact={obj.pk}"
        return format_html('<a href="{}">Comments</a>', url)

    def _set_open(self, request, queryset, is_open: bool):
        for article in queryset:
            ArticleDiscussion.objects.update_or_create(
                article=article, defaults={"comments_open": is_open})
        self.message_user(request, f"Comments {'opened' if is_open else 'closed'} on "
                                   f"{queryset.count()} article(s).", messages.SUCCESS)

    @admin.action(description="Close comments")
    def close_comments(self, request, queryset):
        self._set_open(request, queryset, False)

    @admin.action(description="Open comments")
    def open_comments(self, request, queryset):
        self._set_open(request, queryset, True)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    """One row: the list goes straight to it."""

    role_policy = roles.site_managers_policy

    fieldsets = [
        ("Comments", {"fields": ["comments_enabled", "close_after_days", "thread_depth",
                                 "require_name_email", "flood_seconds", "privacy_policy_url"]}),
        ("Moderation", {"fields": ["max_links", "hold_first_time", "moderation_keys",
                                   "disallowed_keys"]}),
        ("Spam filter", {"fields": ["spam_filter", "retention_days"]}),
        ("E-mail", {"fields": ["notify_moderators", "moderator_emails", "notify_authors"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        current = DiscussionSettings.current()
        return HttpResponseRedirect(
            reverse("admin:comments_discussionsettings_change", args=[current.pk]))
