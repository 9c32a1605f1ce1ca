"""An article's approved comments as a nested thread, from one query."""

from dataclasses import dataclass, field

from .models import Comment


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


def approved_comments(article) -> list[Comment]:
    return list(
        Comment.objects.approved().filter(article=article)
        .only("pk", "parent_id", "author", "author_url", "text_html", "created_at", "article_id")
        .order_by("created_at", "pk")
    )
