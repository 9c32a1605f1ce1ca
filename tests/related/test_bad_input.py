"""Odd articles never break the index or the page; nothing is shown when nothing is related."""

import pytest

from masthead.related.models import ArticleVector
from masthead.related.reading import related_view

from .conftest import body_for

pytestmark = pytest.mark.django_db

CHINESE = [
    "中国国家航天局宣布，火箭将把新的空间望远镜送入轨道，用于观测遥远的星系。",
    "航天员在空间站完成了出舱活动，修复了太阳能电池板，火箭发射计划不变。",
    "新的空间望远镜发现了一颗围绕恒星运行的行星，航天局表示将继续观测星系。",
]
CHINESE_ECONOMY = [
    "中央银行再次加息，通货膨胀率创下十年新高，市场股价下跌。",
    "财政部长表示通货膨胀将会缓解，中央银行可能降息，债券收益率上升。",
]


def show(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_site_with_one_article(client, topical):
    only = topical("space", 0)
    assert related_view(only).block == [] and related_view(only).see_also is None
    body = show(client, only)
    assert "You may also like" not in body and "See also" not in body


@pytest.mark.parametrize("body", ["", "word", "   \n\n  "])
def test_empty_and_one_word_bodies(client, topical, body):
    others = [topical("space", i) for i in range(3)]
    odd = topical("space", 9, body=body, title="Untitled")
    shown = related_view(odd)
    assert odd not in shown.block
    show(client, odd)
    for other in others:  # the odd one does not crowd out real neighbours
        assert {a.pk for a in related_view(other).block[:2]} <= {o.pk for o in others}


def test_a_one_megabyte_body(client, topical):
    others = [topical("space", i) for i in range(8)]  # the block's six, and one for See also
    huge = topical("space", 9, body=(body_for("space", 1) + "\n\n") * 1500)
    assert len(huge.body) > 1_000_000
    assert {a.pk for a in related_view(huge).block} < {o.pk for o in others}
    body = show(client, huge)
    assert body.count('class="see-also"') == 1


def test_bodies_entirely_in_chinese(client, topical):
    english = [topical("space", i) for i in range(3)]
    space = [topical("space", 10 + i, body=text, title=f"航天新闻 {i}", language="zh")
             for i, text in enumerate(CHINESE)]
    economy = [topical("economy", 20 + i, body=text, title=f"经济新闻 {i}", language="zh")
               for i, text in enumerate(CHINESE_ECONOMY)]
    assert ArticleVector.objects.filter(article_id=space[0].pk, active=True).exists()
    top = related_view(space[0]).block[:2]
    assert {a.pk for a in top} == {space[1].pk, space[2].pk}
    assert {a.pk for a in related_view(economy[0]).block[:1]} == {economy[1].pk}
    show(client, space[0])
    assert english
