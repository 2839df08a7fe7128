"""An admin page that is not one model's: removing the sample data (source 「デモデータ」)
that ``make run`` loads on a fresh set-up. The page says how many rows there are and asks
for a confirmation; the removal is ``indicators.demo.demo_data_clear``, the service the
``clear_demo_data`` command calls, and the access policy decides who may (planners)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indicators import policy as indicator_policy
from indicators.demo import demo_data_clear, demo_data_count


@require_http_methods(["GET", "POST"])
def demo_data(request):
    if not indicator_policy.may_clear_demo_data(request.user):
        raise PermissionDenied(_("見本のデータは計画担当だけが削除できます。"))
    if request.method == "POST":
        removed = demo_data_clear(user=request.user)
        messages.success(
            request, _("見本のデータを%(count)s件削除しました。") % {"count": f"{removed:,}"}
        )
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": _("見本のデータの削除"),
        "count": demo_data_count(),
    }
    return TemplateResponse(request, "admin/demo_data.html", context)
