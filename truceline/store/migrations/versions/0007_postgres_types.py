"""postgres types: free-text columns become TEXT (issue 7)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00

PostgreSQL enforces VARCHAR(n) where SQLite never did: an outlet, author, actor or place name
longer than its column, read from a feed, a metadata file or an article, made a PostgreSQL
ingest fail (and nothing of the run was stored). Names and other text taken from the input are
TEXT now, on both backends. Ids and codes keep their bounded VARCHARs: truceline builds them
(``truceline.nlp.actors.provisional_id`` keeps a long provisional actor's id within 160).

On SQLite each table is rebuilt (batch mode); ``truceline.store.engine.migrate`` runs migrations
with foreign-key enforcement off there, as a rebuild of a referenced table needs, and checks the
keys before it commits.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# table -> (column, its old length, nullable)
WIDENED = {
    'outlets': [('name', 300, False), ('domain', 300, True)],
    'documents': [('author', 300, True)],
    'actors': [('name', 300, False), ('source', 64, True)],
    'places': [('name', 300, False)],
    'events': [('location', 300, True)],
}


def upgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length, nullable in columns:
                batch_op.alter_column(name, existing_type=sa.String(length=length), type_=sa.Text(),
                                      existing_nullable=nullable)


def downgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length, nullable in columns:
                batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=length),
                                      existing_nullable=nullable)
