"""conditions: conditional obligations, threats, red lines and plan triggers, with their trigger watch

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conditions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('date', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conditions'))
    )
    with op.batch_alter_table('conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conditions_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_conditions_kind'), ['kind'], unique=False)

    op.create_table('condition_evidence',
    sa.Column('condition_id', sa.String(length=64), nullable=False),
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.Column('start', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('end', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['condition_id'], ['conditions.id'], name=op.f('fk_condition_evidence_condition_id_conditions')),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], name=op.f('fk_condition_evidence_doc_id_documents')),
    sa.PrimaryKeyConstraint('condition_id', 'doc_id', 'start', 'end', 'role', name=op.f('pk_condition_evidence'))
    )
    with op.batch_alter_table('condition_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_condition_evidence_doc_id'), ['doc_id'], unique=False)

    op.create_table('trigger_watches',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('condition_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consequence_followed', sa.String(length=8), nullable=False),
    sa.Column('triggered_on', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['condition_id'], ['conditions.id'], name=op.f('fk_trigger_watches_condition_id_conditions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trigger_watches')),
    sa.UniqueConstraint('condition_id', name=op.f('uq_trigger_watches_condition_id'))
    )
    with op.batch_alter_table('trigger_watches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trigger_watches_status'), ['status'], unique=False)

    # a store with documents has no conditions yet: the next ingest or `truceline verify` rebuilds them
    op.execute("DELETE FROM store_state WHERE key = 'verification_stale'")
    op.execute("INSERT INTO store_state (key, value) SELECT 'verification_stale', '1' "
               "WHERE EXISTS (SELECT 1 FROM documents)")


def downgrade() -> None:
    with op.batch_alter_table('trigger_watches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trigger_watches_status'))
    op.drop_table('trigger_watches')
    with op.batch_alter_table('condition_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_condition_evidence_doc_id'))
    op.drop_table('condition_evidence')
    with op.batch_alter_table('conditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conditions_kind'))
        batch_op.drop_index(batch_op.f('ix_conditions_date'))
    op.drop_table('conditions')
