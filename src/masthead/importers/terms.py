"""WordPress categories become sections (nested one level, as Masthead's are) and tags become
tags. A term already on the site under the same slug (or, for a tag, name) is adopted as it is."""

from masthead.newsroom.models import Section, Tag

from .content import plain_text
from .models import LegacyURL, WordPressObject
from .records import digest_of, wordpress_slug
from .wxr import WxrTerm

Kind = WordPressObject.Kind


class TermImporter:
    def __init__(self, run):
        self.run = run  # the WxrImporter: its summary, records and dry-run flag
        # Small per-file tables: sections by WordPress slug, with their depth and top ancestor.
        self.sections: dict[str, tuple[int | None, int, int | None]] = {}
        self.category_parents: dict[str, str] = {}  # WordPress slug -> parent's slug
        self.category_term_ids: dict[str, str] = {}
        # Categories whose parent the file has not declared yet, by the parent's slug.
        self.waiting_categories: dict[str, list[WxrTerm]] = {}
        self.tags: dict[str, int | None] = {}

    def import_term(self, term: WxrTerm) -> None:
        # Exports may declare a term twice (as wp:category and again as wp:term): once is enough.
        key = term.slug or term.name
        if term.taxonomy == "category":
            if key in self.sections:
                return
            if term.parent_slug and term.parent_slug not in self.sections:
                # Its parent comes later in the file: wait for it, so the tree is built right.
                self.waiting_categories.setdefault(term.parent_slug, []).append(term)
                return
            self.import_category(term)
            for child in self.waiting_categories.pop(key, []):
                self.import_term(child)
        elif term.taxonomy == "post_tag":
            if key not in self.tags:
                self.import_tag(term)
        else:
            self.run.summary.count(f"term ({term.taxonomy or 'unknown'})", "skipped")

    def import_category(self, term: WxrTerm) -> int | None:
        """A category becomes a section. Masthead nests sections one level deep, so a category
        deeper than that is attached to its top-level ancestor."""
        key = term.slug or term.name
        self.category_parents[key] = term.parent_slug
        self.category_term_ids[key] = term.term_id
        parent_pk, depth, top_pk = None, 0, None
        if term.parent_slug:
            parent_id, parent_depth, parent_top = self.sections[term.parent_slug]
            depth = parent_depth + 1
            top_pk = parent_top if parent_depth else parent_id
            parent_pk = top_pk
        wp_id = term.term_id or f"slug:{key}"
        mapping = self.run.records.find(Kind.CATEGORY, wp_id)
        digest = digest_of(term, parent_pk)
        slug = wordpress_slug(term.slug, term.name, f"section-{term.term_id or 'x'}", 100)
        if mapping and mapping.digest == digest and Section.objects.filter(
            pk=mapping.object_id
        ).exists():
            self.run.summary.count("section", "unchanged")
            self.sections[key] = (mapping.object_id, depth, top_pk)
            return mapping.object_id
        existing = None
        if mapping:
            existing = Section.objects.filter(pk=mapping.object_id).first()
        adopted = existing is None and Section.objects.filter(slug=slug).exists()
        self.run.summary.count("section", "updated" if mapping or adopted else "created")
        if self.run.dry_run:
            pk = mapping.object_id if mapping else None
            self.sections[key] = (pk, depth, top_pk)
            return pk
        if adopted:
            # A section of that name was already on the site: use it as it is.
            section = Section.objects.get(slug=slug)
        else:
            section = existing or Section(slug=slug)
            section.name = plain_text(term.name, 100) or slug
            section.description = plain_text(term.description)
            section.parent_id = parent_pk
            section.save()
        self.run.records.remember(mapping, Kind.CATEGORY, wp_id, section.pk, digest)
        self.sections[key] = (section.pk, depth, top_pk)
        own = section.get_absolute_url()
        records = self.run.records
        records.old_address(f"/category/{term.slug or slug}/", LegacyURL.Target.SECTION,
                            section.pk, own)
        if term.parent_slug:
            records.old_address(f"/category/{self._category_path(key)}/",
                                LegacyURL.Target.SECTION, section.pk, own)
        if depth > 1:
            self.run.summary.warn("", f"category “{term.name}” is {depth + 1} levels deep; "
                                      "Masthead nests sections one level, so it now sits under "
                                      "its top-level ancestor")
        return section.pk

    def _category_path(self, key: str) -> str:
        """WordPress's hierarchical category address: parent/child/grandchild."""
        parts = [key]
        seen = {key}
        parent = self.category_parents.get(key)
        while parent and parent not in seen:
            parts.insert(0, parent)
            seen.add(parent)
            parent = self.category_parents.get(parent)
        return "/".join(parts)

    def import_tag(self, term: WxrTerm) -> int | None:
        key = term.slug or term.name
        wp_id = term.term_id or f"slug:{key}"
        mapping = self.run.records.find(Kind.TAG, wp_id)
        digest = digest_of(term)
        if mapping and mapping.digest == digest and Tag.objects.filter(
            pk=mapping.object_id
        ).exists():
            self.run.summary.count("tag", "unchanged")
            self.tags[key] = mapping.object_id
            return mapping.object_id
        name = plain_text(term.name, 100) or key[:100]
        slug = wordpress_slug(term.slug, term.name, f"tag-{term.term_id or 'x'}", 100)
        tag = Tag.objects.filter(pk=mapping.object_id).first() if mapping else None
        adopted = tag is None and (
            Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
        )
        self.run.summary.count("tag", "updated" if tag or adopted else "created")
        if self.run.dry_run:
            self.tags[key] = tag.pk if tag else None
            return self.tags[key]
        if adopted:
            tag = adopted
        elif tag is None:
            tag = Tag(slug=slug if not Tag.objects.filter(slug=slug).exists() else "")
        if not adopted:
            if Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
                name = f"{name[:90]} ({slug[:6]})"
            tag.name = name
            tag.save()
        self.run.records.remember(mapping, Kind.TAG, wp_id, tag.pk, digest)
        self.tags[key] = tag.pk
        self.run.records.old_address(f"/tag/{term.slug or slug}/", LegacyURL.Target.TAG, tag.pk,
                     tag.get_absolute_url())
        return tag.pk

    def section_for(self, slug: str, name: str) -> int | None:
        key = slug or name
        if key not in self.sections:
            self.import_category(WxrTerm("category", slug, name or slug))
        return self.sections[key][0]

    def tag_for(self, slug: str, name: str) -> int | None:
        key = slug or name
        if key not in self.tags:
            self.import_tag(WxrTerm("post_tag", slug, name or slug))
        return self.tags[key]

    def settle_categories(self) -> None:
        """Categories still waiting for a parent the file never declared: the parent is made
        from its slug, then they follow."""
        while self.waiting_categories:
            parent_slug = next(iter(self.waiting_categories))
            self.import_term(WxrTerm("category", parent_slug, parent_slug))
