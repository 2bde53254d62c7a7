"""Alembic migrations for the case store, shipped inside the package and run by `rca.store.db.migrate`."""
