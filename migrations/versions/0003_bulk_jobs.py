"""bulk jobs: progress and result of slow downloads (zip of every unit's workbook)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bulk_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('done_count', sa.Integer(), nullable=False),
        sa.Column('total_count', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_bulk_jobs_cycle_id_cycles')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_bulk_jobs_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_jobs')),
    )
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_jobs_cycle_id'), ['cycle_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_jobs_cycle_id'))
    op.drop_table('bulk_jobs')
