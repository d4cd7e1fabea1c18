"""event_prefix_days: events per (code prefix, day, plover) for the country-filtered timeline

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_prefix_days',
    sa.Column('prefix', sa.String(length=3), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('plover', sa.String(length=16), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'day', 'plover', name=op.f('pk_event_prefix_days'))
    )
    # backfill from the event_actors rows a store already has
    op.execute(
        "INSERT INTO event_prefix_days (prefix, day, plover, events) "
        "SELECT substr(code, 1, 3), day, plover, count(*) FROM event_actors "
        "WHERE first3 = true AND day IS NOT NULL AND code IS NOT NULL GROUP BY substr(code, 1, 3), day, plover"
    )


def downgrade() -> None:
    op.drop_table('event_prefix_days')
