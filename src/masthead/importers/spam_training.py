"""`import-wxr --train-spam`: teach the spam model with what WordPress's moderators decided.

A WordPress site's Spam folder and its approved comments are years of labelled examples from the
site's own readers. After the import has committed, the imported spam (label 1) and approved
(label 0) comments go to the spam model's learning step (masthead.antispam.store.teach), in
batches, each saved as a new model version every server process picks up; each comment is marked
with what it taught, so nothing is taught twice. `masthead retrain_spam` later retrains from
scratch with tuned thresholds, these comments included.
"""

from dataclasses import dataclass

from masthead.comments.models import Comment

BATCH = 10_000
LABELS = {Comment.Status.SPAM: ("spam", 1), Comment.Status.APPROVED: ("ham", 0)}


@dataclass
class TrainingReport:
    spam: int = 0
    ham: int = 0
    version: int | None = None
    error: str = ""


def teach_from_comments(comment_ids, progress=None) -> TrainingReport:
    """Teach the model with these comments' spam and approved ones not taught before."""
    from masthead.antispam import store

    report = TrainingReport()
    ids = sorted(set(comment_ids))
    for start in range(0, len(ids), BATCH):
        rows = list(Comment.objects.filter(
            pk__in=ids[start : start + BATCH], status__in=list(LABELS), trained_as="",
        ).values_list("pk", "text", "status"))
        if not rows:
            continue
        texts = [text for _, text, _ in rows]
        labels = [LABELS[status][1] for _, _, status in rows]
        try:
            row = store.teach(texts, labels, note=f"{len(rows)} comments imported from WordPress")
        except Exception as exc:  # the import stands; only the lesson is lost, and said so
            report.error = f"{type(exc).__name__}: {exc}"
            return report
        report.version = row.version if row else report.version
        for status, (label, _value) in LABELS.items():
            taught = [pk for pk, _, s in rows if s == status]
            Comment.objects.filter(pk__in=taught).update(trained_as=label)
            if label == "spam":
                report.spam += len(taught)
            else:
                report.ham += len(taught)
        if progress:
            progress(len(rows))
    return report
