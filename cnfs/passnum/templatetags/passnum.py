from django import template

from cnfs.passnum.services._common import euros as _euros

register = template.Library()


@register.filter
def euros(cents):
    """Cents as French euros (`1 234,50 €`); empty for a missing amount."""
    return "" if cents is None else _euros(cents)
