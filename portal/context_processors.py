def demo_data(request) -> dict:
    """Whether sample data is loaded, so every page can say so (a banner); for a signed-in
    person who may remove it (a planner), where in the admin."""
    from django.urls import reverse

    from indicators.demo import demo_data_present
    from indicators.policy import may_clear_demo_data

    present = demo_data_present()
    user = getattr(request, "user", None)
    # Only for a signed-in person: the public's pages stay the same for everyone (cached).
    removable = present and user is not None and user.is_authenticated
    return {
        "demo_data_present": present,
        "demo_data_clear_url": (
            reverse("admin-demo-data") if removable and may_clear_demo_data(user) else ""
        ),
    }


def site(request) -> dict:
    """What every page's frame shows of the data: the site's name (the current plan's
    title), the current plan's pillar numbers for the navigation, the first ward (area), and
    the municipality's own word for its areas (``community.areas.area_context``:
    ``area_word``, 区, 地区 …; ``has_areas``, whether it reports by any; ``ward_offices``).
    With several municipalities loaded, a page of none of them (``site_shared``) gets a
    frame of its own: the generic name and a way back to the list of municipalities."""
    from django.utils.translation import gettext

    from community.areas import area_context
    from community.models import Ward
    from community.tenants import serves_several
    from infrastructure import tenancy
    from programs.models import Pillar
    from programs.selectors import current_plan, site_title

    if tenancy.current() is None and serves_several():
        # A page of no one municipality (the prefecture's view): no plan's frame.
        return {"site_name": gettext("地域福祉計画"), "site_shared": True, **area_context()}
    plan = current_plan()
    return {
        "site_name": site_title(plan),
        "site_pillar_numbers": list(
            Pillar.objects.filter(plan=plan).order_by("number").values_list("number", flat=True)
        ),
        "site_first_ward": Ward.objects.first(),
        **area_context(),
    }


def admin_site_header() -> str:
    """The admin's header and title: the site's name, then 進捗管理 (progress management)."""
    from django.utils.translation import gettext

    from programs.selectors import site_title

    return gettext("%(site)s 進捗管理") % {"site": site_title()}
