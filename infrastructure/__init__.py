"""Infrastructure below every app, knowing no domain: fiscal years, figures, text, the
workflow's mechanics, the access policy's registry, the import engine, jobs, the response
cache, API plumbing, accounts, observability, health and backups (docs/architecture.md)."""
