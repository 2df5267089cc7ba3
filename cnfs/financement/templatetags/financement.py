from django import template

from cnfs.financement.money import euros as _euros

register = template.Library()


@register.filter
def euros(cents):
    """Cents as French euros: {{ 4000000|euros }} → "40 000,00 €"."""
    return _euros(cents)


@register.filter
def pourcent(part, whole):
    """{{ engage|pourcent:montant }} → "12,5 %"."""
    if not whole:
        return "—"
    return f"{100 * part / whole:.1f} %".replace(".", ",")
