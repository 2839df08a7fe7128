"""``report_text``: long free text in the council report, cut into bounded runs so the PDF
renders in time linear in its length (portal/report_documents.py ``text_chunks``)."""

from django import template

from portal.report_documents import report_text as _report_text

register = template.Library()


@register.filter
def report_text(value):
    return _report_text(value)
