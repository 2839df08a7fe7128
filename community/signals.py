"""Events of the community's records that the layers above react to.

The community knows nothing of the indicators computed from its records: it says what
changed, and ``indicators.signals`` decides what to recompute.
"""

from django.dispatch import Signal

#: A record that figures may count changed (saved, moved or deleted). ``sender`` is its
#: model; ``fiscal_years`` the years it touched (None: every year); ``user`` who changed it
#: (None for a load). Sent inside the writing transaction.
counted_records_changed = Signal()
