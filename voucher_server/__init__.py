"""Reference central voucher API (FastAPI + SQLAlchemy 2 + Alembic). Contract: docs/api.md."""
