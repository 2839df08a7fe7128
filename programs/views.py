from django.shortcuts import render

from .models import Plan
from .selectors import pillars_with_indicators


def home(request):
    """The plan at a glance: its pillars, their sections and their outcome indicators."""
    return render(
        request,
        "programs/home.html",
        {"plan": Plan.objects.first(), "pillars": pillars_with_indicators()},
    )
