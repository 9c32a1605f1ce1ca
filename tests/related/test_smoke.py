from masthead.related.reading import related_view


def test_same_topic_articles_are_related(topical):
    articles = {t: [topical(t, i) for i in range(4)] for t in ("football", "economy", "space")}
    for topic, group in articles.items():
        view = related_view(group[0])
        assert view.block, topic
        top3 = {a.pk for a in view.block[:3]}
        assert top3 <= {a.pk for a in group[1:]}, (topic, [a.title for a in view.block])
