"""Apps: create, find, list, and the default app behind the legacy paths."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from meetd.cache import TtlCache
from meetd.db.paging import fetch_page
from meetd.db.tables import Account, App
from meetd.errors import NotFound, parse_id
from meetd.presets import service as presets

DEFAULT_APP_NAME = "default"


def create_app(session: Session, *, account_id: str, name: str) -> App:
    """A new app, with the six default presets."""
    app = App(id=uuid.uuid4(), account_id=account_id, name=name)
    session.add(app)
    presets.create_default_presets(session, app=app)
    session.flush()
    return app


AppCache = TtlCache[uuid.UUID, App]
_BY_ID = select(App).where(App.id == bindparam("app_id"))


def get_app(session: Session, *, account_id: str, app_id: str, cache: AppCache) -> App:
    """The app, if it belongs to the account; an app of another account is not found.

    Apps never change owner, name or id, so the cached copy (detached from any session)
    serves for those; `meeting_count` is read afresh wherever it is used.
    """
    key = parse_id(app_id, field="app_id")
    app = cache.get(key)
    if app is None:
        app = session.scalars(_BY_ID, {"app_id": key}).one_or_none()
        if app is None:
            raise NotFound(f"No app with id {key}")
        cache.put(key, app)
    if app.account_id != account_id:
        raise NotFound(f"No app with id {key}")
    return app


def list_apps(
    session: Session,
    *,
    account_id: str,
    search: str | None,
    newest_first: bool,
    offset: int,
    limit: int,
) -> tuple[list[App], int]:
    where = [App.account_id == account_id]
    if search:
        where.append(App.name.icontains(search, autoescape=True))
    order = (App.created_at.desc(), App.id.desc()) if newest_first else (App.created_at, App.id)
    return fetch_page(session, select(App), where=where, order_by=order, offset=offset, limit=limit)


def _oldest_app(session: Session, account_id: str) -> App | None:
    query = select(App).where(App.account_id == account_id).order_by(App.created_at, App.id)
    return session.scalars(query.limit(1)).first()


def get_default_app(session: Session, *, account_id: str) -> App:
    """The account's oldest app, created as `default` when it has none (contract A4)."""
    app = _oldest_app(session, account_id)
    if app is not None:
        return app
    # Concurrent first uses queue on the account's row (on SQLite, on the write lock the
    # session holds), and all but the first then find the app the first one made.
    session.execute(select(Account.id).where(Account.id == account_id).with_for_update())
    return _oldest_app(session, account_id) or create_app(
        session, account_id=account_id, name=DEFAULT_APP_NAME
    )
