"""Logs for operations staff: a request id on every line a request writes (and the task id
on a worker's), JSON lines in production and readable lines in development, and the audit
events (sign-ins, failed sign-ins, refused actions) on the ``kumamoto_welfare.audit``
logger. See docs/operations.md."""
