"""At most one action per key per window, decided atomically by the database.

Several server processes (and machines) share the database, so the decision cannot live in one
process's memory; and two requests that arrive together must not both get through (a check
followed by an insert let 14 comments through in 60 s where the limit allowed about 4). Taking a
slot is one UPDATE of an expired row, or one INSERT of a new one: the row lock (PostgreSQL) or
the write lock (SQLite) lets exactly one of two racing requests win.
"""

import random
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import RateSlot

FORGET_AFTER = timedelta(days=1)


def take_slot(key: str, seconds: int) -> bool:
    """True if nothing under `key` happened in the last `seconds` (and the slot is now taken)."""
    key = key[:200]
    now = timezone.now()
    with transaction.atomic():
        if RateSlot.objects.filter(key=key, free_at__lte=now).update(
                free_at=now + timedelta(seconds=seconds)):
            return True
        try:
            with transaction.atomic():
                RateSlot.objects.create(key=key, free_at=now + timedelta(seconds=seconds))
        except IntegrityError:
            return False  # the slot exists and is not free yet (or another request just took it)
    if random.random() < 0.01:  # keep the table small: old slots mean nothing
        RateSlot.objects.filter(free_at__lt=now - FORGET_AFTER).delete()
    return True
