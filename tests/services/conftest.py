"""The services run on the same databases as the storage tests: reuse their fixtures."""

from tests.storage.conftest import db_path, db_url, opener, os_user, pg_url

__all__ = ["db_path", "db_url", "opener", "os_user", "pg_url"]
