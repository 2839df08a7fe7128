from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from programs import views as program_views

admin.site.site_header = _("熊本市地域福祉計画 進捗管理")
admin.site.site_title = _("熊本市地域福祉計画 進捗管理")
admin.site.index_title = _("管理メニュー")

urlpatterns = [
    path("", program_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
