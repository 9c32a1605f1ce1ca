"""The consent log as personal data: it holds no e-mail address, so a reader's records are found
by the consent id their browser keeps (shown to them in the cookie settings)."""

from ..models import ConsentRecord
from ..personal_data import Erasure, PersonalDataSource, iso


class ConsentLogSource(PersonalDataSource):
    name = "consent_log"
    label = "Cookie consent records"

    def export(self, email, consent_ids):
        records = ConsentRecord.objects.filter(consent_id__in=consent_ids).order_by("created_at")
        return [{
            "consent_id": r.consent_id, "created_at": iso(r.created_at),
            "policy_version": r.policy_version, "action": r.action, "categories": r.categories,
            "global_privacy_control": r.gpc, "ip_truncated": r.ip_truncated,
            "user_agent_sha256": r.user_agent_hash,
        } for r in records]

    def erase(self, email, consent_ids, *, delete_content):
        deleted, _ = ConsentRecord.objects.filter(consent_id__in=consent_ids).delete()
        return Erasure(removed=deleted)
