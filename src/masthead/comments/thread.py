"""An article's approved comments as a nested thread, a page of top-level threads at a time.

Long threads are split into pages of TOP_LEVEL_PER_PAGE top-level comments with their replies,
as WordPress does, and the newest page comes first. Two queries whatever the thread's length: the
thread's shape (ids and parents only, from the article's comment index) and the shown comments.
Rendering costs what the page shows, not what the thread holds.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.http import Http404

from .models import Comment

TOP_LEVEL_PER_PAGE = 50
PAGE_PARAMETER = "cpage"  # WordPress's name for it: ?cpage=2
SHOWN_FIELDS = ("pk", "parent_id", "author", "author_url", "text_html", "created_at", "article_id")
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,6}")


@dataclass
class Node:
    comment: Comment
    depth: int  # 1 for a top-level comment
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = field(default=None, repr=False)


def build_thread(comments: list[Comment], max_depth: int) -> list[Node]:
    """Nest `comments` (oldest first) under their parents, no deeper than `max_depth`.

    A reply whose parent is not shown (held, trashed, deleted) hangs from the nearest shown
    ancestor, or starts a thread; a reply beyond the depth limit sits beside its parent, as
    WordPress shows it."""
    max_depth = max(1, max_depth)
    shown = {c.pk: c for c in comments}
    nodes: dict[int, Node] = {}
    top: list[Node] = []
    for comment in comments:
        parent_id = comment.parent_id
        seen = set()
        while parent_id is not None and parent_id not in nodes and parent_id not in seen:
            seen.add(parent_id)
            parent = shown.get(parent_id)
            parent_id = parent.parent_id if parent is not None else None
        parent_node = nodes.get(parent_id) if parent_id is not None else None
        while parent_node is not None and parent_node.depth >= max_depth:
            parent_node = parent_node.parent
        node = Node(comment, depth=(parent_node.depth + 1) if parent_node else 1,
                    parent=parent_node)
        (parent_node.children if parent_node else top).append(node)
        nodes[comment.pk] = node
    return top


class _Shape(NamedTuple):
    """A comment as far as the thread's shape needs it."""

    pk: int
    parent_id: int | None


@dataclass
class ThreadPage:
    nodes: list[Node]  # this page's top-level comments, replies nested under them
    count: int  # approved comments in the whole thread
    number: int  # 1 is the oldest page
    num_pages: int

    @property
    def has_older(self) -> bool:
        return self.number > 1

    @property
    def has_newer(self) -> bool:
        return self.number < self.num_pages


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def page_number(raw: str | None) -> int | None:
    """The comment page asked for: None for the default (the newest); 404 for anything that is
    not a page number."""
    if raw is None:
        return None
    if not _PAGE_NUMBER.fullmatch(raw):
        raise Http404("No such page of comments.")
    return int(raw)


def thread_page(article, max_depth: int, number: int | None = None,
                per_page: int | None = None) -> ThreadPage:
    """Page `number` of the article's approved thread (the newest page when None); 404 past
    the end."""
    shape = [_Shape(*row) for row in Comment.objects.approved().filter(article=article)
             .order_by("created_at", "pk").values_list("pk", "parent_id")]
    top = build_thread(shape, max_depth)
    per_page = per_page or TOP_LEVEL_PER_PAGE
    num_pages = max(1, -(-len(top) // per_page))
    if number is None:
        number = num_pages
    elif number > num_pages:
        raise Http404("No such page of comments.")
    shown = top[(number - 1) * per_page : number * per_page]
    nodes = list(_walk(shown))
    shown_ids = [node.comment.pk for node in nodes]
    comments = Comment.objects.only(*SHOWN_FIELDS).order_by().in_bulk(shown_ids) if nodes else {}
    # A comment deleted between the two queries leaves its node out rather than fail.
    for node in nodes:
        node.comment = comments.get(node.comment.pk)
    _prune(shown)
    return ThreadPage(nodes=[n for n in shown if n.comment is not None], count=len(shape),
                      number=number, num_pages=num_pages)


def _prune(nodes) -> None:
    for node in nodes:
        node.children = [c for c in node.children if c.comment is not None]
        _prune(node.children)
