"""What each role may do with the portal's own records (``infrastructure.policy``; the roles
and rules: ``community.access``)."""

from community.access import READ
from infrastructure import policy

from . import models


def register() -> None:
    # The notification mails sent: planners read them (who was told what, and when), in
    # their municipality; nobody writes them but the sending (``portal.notifications``).
    policy.grant(models.SentMail, planner=READ)
