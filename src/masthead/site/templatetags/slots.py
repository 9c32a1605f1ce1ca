"""`{% slot "name" %}fallback{% endslot %}`: where apps' registered templates appear (slots.py)."""

from django import template

from masthead.site.slots import SLOTS, templates_for

register = template.Library()


class SlotNode(template.Node):
    def __init__(self, name: str, fallback: template.NodeList):
        self.name, self.fallback = name, fallback

    def render(self, context):
        names = templates_for(self.name)
        if not names:
            return self.fallback.render(context)
        engine = context.template.engine
        parts = []
        for name in names:
            with context.push():  # as {% include %} does: the page's context, nothing leaks back
                parts.append(engine.get_template(name).render(context))
        return "\n".join(parts)  # one contribution a line, as includes written in turn


@register.tag("slot")
def slot(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% slot "name" %}…{% endslot %}.')
    name = bits[1][1:-1]
    if name not in SLOTS:
        raise template.TemplateSyntaxError(
            f"No slot named {name!r}; the slots are: {', '.join(SLOTS)} (site/slots.py).")
    fallback = parser.parse(("endslot",))
    parser.delete_first_token()
    return SlotNode(name, fallback)
