"""The reader's side of comments: a token for the form, the post itself, and a no-JavaScript
reply page. The article page never changes per reader; everything per-reader happens here."""

import json
from urllib.parse import quote

from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from masthead.newsroom.models import Article
from masthead.site.proxies import client_ip
from masthead.site.rate_limit import take_slot

from . import csrf
from .forms import HONEYPOT_FIELD, NOT_TEXT_RE, SAVE_DETAILS_FIELD, CommentForm
from .models import ArticleDiscussion, Comment, DiscussionSettings
from .moderation import purge_expired
from .notifications import notify_held
from .screening import screen, seconds_since_form_opened, sign_form_opened
from .templatetags.comments_tags import SPAM_DEFENCE_NAME
from .thread import Node

AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_AGE = 365 * 24 * 3600
PURGE_EVERY = 3600


@never_cache
@require_GET
def token(request):
    """The CSRF token (this response also sets the cookie) and a signed "form opened" time."""
    return JsonResponse({"csrfToken": get_token(request), "formOpened": sign_form_opened()})


class Refusal(Exception):
    """A post that cannot go ahead: an HTTP status and the reasons to show the reader."""

    def __init__(self, status: int, *messages: str, show_form: bool = False):
        super().__init__(messages[0])
        self.status, self.messages, self.show_form = status, list(messages), show_form


def _wants_json(request) -> bool:
    return "application/json" in request.META.get("HTTP_ACCEPT", "")


def _article_for(request) -> Article:
    raw = request.POST.get("comment_post_ID", "")
    if not raw.isdigit() or len(raw) > 18:
        raise Refusal(400, "The comment form did not say which article it belongs to.")
    article = Article.objects.filter(pk=int(raw)).first()
    if article is None or not article.is_live:
        raise Refusal(404, "That article does not exist, or is not published.")
    return article


def _check_flood(request, discussion: DiscussionSettings, ip: str) -> None:
    if not discussion.flood_seconds or not ip or request.user.is_staff:
        return
    # Taking the slot is one atomic statement: two posts sent together cannot both get through.
    if not take_slot(f"comment:{ip}", discussion.flood_seconds):
        raise Refusal(429, "You are posting comments too quickly. Please wait a moment and try "
                           "again.", show_form=True)


def _check_duplicate(article: Article, data: dict, ip: str) -> None:
    same = Comment.objects.filter(article=article, text=data["comment"])
    same = same.filter(author_email=data["email"]) if data["email"] else same.filter(
        author_ip=ip)
    if same.exists():
        raise Refusal(409, "Duplicate comment detected; it looks as though you’ve already said "
                           "that!")


def _values(request) -> dict:
    """What the reader typed, to refill the form after an error (text only, nothing binary)."""
    def text(name, limit):
        return NOT_TEXT_RE.sub("", request.POST.get(name, ""))[:limit]

    parent = request.POST.get("comment_parent", "0")
    return {
        "comment": text("comment", 20_000), "author": text("author", 245),
        "email": text("email", 254), "url": text("url", 500),
        "comment_parent": parent if parent.isdigit() and len(parent) < 19 else "0",
        "save": bool(request.POST.get(SAVE_DETAILS_FIELD)),
    }


def _refusal_response(request, refusal: Refusal, article=None, discussion=None):
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": refusal.messages}, status=refusal.status)
    discussion = discussion or DiscussionSettings.current()
    return TemplateResponse(request, "comments/post_error.html", {
        "article": article, "errors": refusal.messages,
        "show_form": refusal.show_form and article is not None, "values": _values(request),
        "require_name_email": discussion.require_name_email,
        "privacy_url": discussion.privacy_policy_url, "spam_defence_name": SPAM_DEFENCE_NAME,
    }, status=refusal.status)


def _remember_author(response, request, data: dict) -> None:
    if request.POST.get(SAVE_DETAILS_FIELD):
        details = json.dumps({"author": data["author"], "email": data["email"],
                              "url": data["url"]}, ensure_ascii=False)
        response.set_cookie(AUTHOR_COOKIE, quote(details, safe=""), max_age=AUTHOR_COOKIE_AGE,
                            samesite="Lax", secure=request.is_secure())
    elif AUTHOR_COOKIE in request.COOKIES:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


def _purge_now_and_then() -> None:
    if cache.add("masthead:comments:purged", 1, PURGE_EVERY):
        purge_expired()


@csrf_exempt  # checked by csrf.check: a token with JavaScript, the Origin without
@require_POST
def post_comment(request):
    article = discussion = None
    try:
        refused = csrf.check(request)
        if refused:
            raise Refusal(403, refused)
        article = _article_for(request)
        discussion = DiscussionSettings.current()
        per_article = ArticleDiscussion.objects.filter(article=article).first()
        if not discussion.comments_open_for(article, per_article):
            raise Refusal(403, "Comments are closed on this article.")
        ip = client_ip(request)
        _check_flood(request, discussion, ip)
        form = CommentForm(request.POST, article=article, discussion_settings=discussion)
        if not form.is_valid():
            messages = [m for errors in form.errors.values() for m in errors]
            raise Refusal(400, *messages, show_form=True)
        data = form.cleaned_data
        _check_duplicate(article, data, ip)
    except Refusal as refusal:
        return _refusal_response(request, refusal, article, discussion)

    comment = Comment(
        article=article, parent=data["comment_parent"], author=data["author"],
        author_email=data["email"], author_url=data["url"], author_ip=ip,
        agent=request.META.get("HTTP_USER_AGENT", ""), text=data["comment"],
        user=request.user if request.user.is_authenticated else None,
    )
    opened = request.POST.get("form_opened", "")
    screen(comment, discussion, honeypot=request.POST.get(HONEYPOT_FIELD, ""),
           seconds_to_submit=seconds_since_form_opened(opened), timestamp_missing=not opened,
           user_agent=request.META.get("HTTP_USER_AGENT", ""))
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.PENDING:
            notify_held(comment, discussion)
    _purge_now_and_then()
    response = _success_response(request, comment, discussion)
    _remember_author(response, request, data)
    return response


def _success_response(request, comment: Comment, discussion: DiscussionSettings):
    approved = comment.status == Comment.Status.APPROVED
    # Spam is answered like Pending: telling a spammer it was caught only helps the spammer.
    if _wants_json(request):
        payload = {"ok": True, "status": "approved" if approved else "pending", "id": comment.pk}
        if approved:
            depth = _depth_of(comment, discussion.thread_depth)
            payload["html"] = render_to_string("comments/comment.html", {
                "node": Node(comment, depth), "comments_open": True,
                "thread_depth": discussion.thread_depth,
            }, request=request)
            payload["message"] = "Thank you. Your comment is published."
        else:
            payload["message"] = ("Thank you. Your comment is awaiting moderation: it will "
                                  "appear once a moderator has approved it.")
        return JsonResponse(payload, status=201)
    url = comment.article.get_absolute_url()
    return HttpResponseRedirect(
        f"{url}#comment-{comment.pk}" if approved else f"{url}?comment=pending#comment-status",
        status=303,
    )


def _depth_of(comment: Comment, max_depth: int) -> int:
    depth, parent = 1, comment.parent
    while parent is not None and depth < max_depth:
        depth += 1
        parent = parent.parent
    return depth


def reply(request, pk):
    """A page with the form set to reply to one comment: the reply link without JavaScript."""
    if pk >= 2**63:
        raise Http404("No such comment.")
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk,
                                status=Comment.Status.APPROVED)
    article = comment.article
    discussion = DiscussionSettings.current()
    per_article = ArticleDiscussion.objects.filter(article=article).first()
    if not discussion.comments_open_for(article, per_article):
        raise Http404("Comments are closed on this article.")
    return TemplateResponse(request, "comments/reply.html", {
        "article": article, "reply_to": comment,
        "require_name_email": discussion.require_name_email,
        "privacy_url": discussion.privacy_policy_url, "spam_defence_name": SPAM_DEFENCE_NAME,
    })
