"""query indexes: denormalised event columns, event_actors, event_days (issue 7)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00

Adds what the dashboard's filters, pages and timeline read through indexes: events.place_lat /
place_lon (the event's place's coordinates) and events.day (a full-day date), composite indexes
on events, the ``event_actors`` table (one row per source/target reference, code upper-cased)
and the ``event_days`` aggregate. Existing stores are backfilled from their stored events.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('place_lon', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('day', sa.String(length=10), nullable=True))
    op.create_index('ix_events_date_id', 'events', ['date', 'id'])
    op.create_index('ix_events_plover_date_id', 'events', ['plover', 'date', 'id', 'place_lat', 'place_lon'])
    op.create_index('ix_events_day_plover', 'events', ['day', 'plover'])
    op.create_index('ix_events_place_lat_place_lon', 'events', ['place_lat', 'place_lon'])

    op.create_table('event_actors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('actor_id', sa.String(length=160), nullable=True),
    sa.Column('plover', sa.String(length=16), nullable=False),
    sa.Column('date', sa.String(length=32), nullable=True),
    sa.Column('day', sa.String(length=10), nullable=True),
    sa.Column('first3', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], name=op.f('fk_event_actors_doc_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_actors'))
    )
    op.create_index('ix_event_actors_event_id', 'event_actors', ['event_id'])
    op.create_index('ix_event_actors_doc_id', 'event_actors', ['doc_id'])
    op.create_index('ix_event_actors_actor_id', 'event_actors', ['actor_id'])
    op.create_index('ix_event_actors_code_day', 'event_actors', ['code', 'day', 'plover', 'event_id'])
    op.create_index('ix_event_actors_first3', 'event_actors', ['first3', 'code', 'plover', 'day', 'date', 'event_id'])
    op.create_table('event_days',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('plover', sa.String(length=16), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'plover', name=op.f('pk_event_days'))
    )
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Fill the new columns and tables from the events already stored (a no-op on a new store)."""
    from truceline.store.records import day_of, event_actor_rows, rebuild_event_days
    from truceline.store.schema import event_actors, events, places

    query = (sa.select(events.c.id, events.c.doc_id, events.c.plover, events.c.date, events.c.source,
                       events.c.target, places.c.lat, places.c.lon)
             .select_from(events.outerjoin(places, places.c.id == events.c.place_id)))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if not rows:
        return
    for r in rows:
        r["day"] = day_of(r["date"])
    update = (sa.update(events).where(events.c.id == sa.bindparam('b_id'))
              .values(place_lat=sa.bindparam('b_lat'), place_lon=sa.bindparam('b_lon'), day=sa.bindparam('b_day')))
    conn.execute(update, [{'b_id': r['id'], 'b_lat': r['lat'], 'b_lon': r['lon'], 'b_day': r['day']} for r in rows])
    refs = [a for r in rows for a in event_actor_rows(r)]
    if refs:
        conn.execute(sa.insert(event_actors), refs)
    rebuild_event_days(conn)


def downgrade() -> None:
    op.drop_table('event_days')
    op.drop_index('ix_event_actors_first3', table_name='event_actors')
    op.drop_index('ix_event_actors_code_day', table_name='event_actors')
    op.drop_index('ix_event_actors_actor_id', table_name='event_actors')
    op.drop_index('ix_event_actors_doc_id', table_name='event_actors')
    op.drop_index('ix_event_actors_event_id', table_name='event_actors')
    op.drop_table('event_actors')
    op.drop_index('ix_events_place_lat_place_lon', table_name='events')
    op.drop_index('ix_events_day_plover', table_name='events')
    op.drop_index('ix_events_plover_date_id', table_name='events')
    op.drop_index('ix_events_date_id', table_name='events')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('day')
        batch_op.drop_column('place_lon')
        batch_op.drop_column('place_lat')
