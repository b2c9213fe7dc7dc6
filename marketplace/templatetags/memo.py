"""{% memo a b %}…{% endmemo %}: a fragment rendered once per web process for each value of a, b.

For parts of every page that depend on nothing but the values named (the footer: the language,
whether the visitor is signed in and a seller): no cache round trip, no rendering. The values
must say everything the fragment shows, except what is put in ``{% hole %}…{% endhole %}``
inside it: holes are rendered on every request (a person's name, badges, the form token) and
put into the memoized text. URLs and static files do not change while a process runs.
"""

from collections import OrderedDict
from threading import Lock

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import mark_safe

register = template.Library()
KEPT = 4096
_kept: OrderedDict = OrderedDict()
_lock = Lock()
HOLES = "memo_holes"
MARK = "\x00memo-hole\x00"


class HoleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        holes = context.render_context.get(HOLES)
        if holes is None:  # not inside a memo being made: an ordinary block
            return self.nodelist.render(context)
        holes.append(self)
        return MARK


class MemoNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist, self.vary_on = nodelist, vary_on

    def render(self, context):
        key = (id(self), *(value.resolve(context) for value in self.vary_on))
        with _lock:
            found = _kept.get(key)
        if found is None:
            found = self._make(context)
            with _lock:
                _kept[key] = found
                while len(_kept) > KEPT:
                    _kept.popitem(last=False)
        chunks, holes = found
        if not holes:
            return mark_safe(chunks[0])
        out = [chunks[0]]
        for hole, chunk in zip(holes, chunks[1:], strict=True):
            out += [hole.nodelist.render(context), chunk]
        return mark_safe("".join(out))

    def _make(self, context):
        outer = context.render_context.get(HOLES)
        holes = context.render_context[HOLES] = []
        try:
            text = self.nodelist.render(context)
        finally:
            context.render_context[HOLES] = outer
        chunks = text.split(MARK)
        assert len(chunks) == len(holes) + 1, "a hole's mark was found in the memoized text"
        return chunks, holes


@register.tag
def memo(parser, token):
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in token.split_contents()[1:]])


@register.tag
def hole(parser, token):
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist)


@receiver(setting_changed)
def _forget(**kwargs):
    """Tests change settings (static files, languages): fragments are made again."""
    with _lock:
        _kept.clear()
