from django import template

from detente.alliances.navigation import sections

register = template.Library()


@register.inclusion_tag("alliances/_nav.html", takes_context=True)
def alliance_nav(context: template.Context, alliance) -> dict:
    """Tabs for the alliance's sections: ``{% load alliance_nav %}{% alliance_nav alliance %}``."""
    request = context.get("request")
    return {"sections": sections(alliance.pk, request.path if request else "")}
