"""Staff accounts at the doors: lockout after failed logins (django-axes), API tokens that
expire (django-rest-knox), idle and absolute session limits, and the optional second factor
(django-otp TOTP). Who holds which role stays in ``infrastructure.policy``."""
