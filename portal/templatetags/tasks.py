"""``{% load tasks %}{% task_list as tasks %}``: what waits for the signed-in person, on the
admin index (``portal.task_list``)."""

from django import template

from portal.task_list import task_list as tasks_of

register = template.Library()


@register.simple_tag(takes_context=True)
def task_list(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return tasks_of(user)
