"""An admin page of one's own: whether the workflow's mail comes, and in which language
(``community.StaffProfile.mail_notifications`` and ``language``; ``portal.notifications``).
Every staff member with a role sets their own, no one else's."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community.access import scope_of
from community.models import StaffProfile


class MailSettingsForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["mail_notifications", "language"]


@require_http_methods(["GET", "POST"])
def mail_settings(request):
    if scope_of(request.user).role is None:  # the role here: none in another municipality
        raise PermissionDenied(_("メールの設定は職員だけが変えられます。"))
    profile, _created = StaffProfile.objects.get_or_create(user=request.user)
    form = MailSettingsForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("メールの設定を保存しました。"))
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": _("メールの設定"),
        "form": form,
    }
    return TemplateResponse(request, "admin/mail_settings.html", context)
