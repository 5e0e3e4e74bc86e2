"""job queue: bulk jobs are queued, counted in attempts and beat while they run

Revision ID: h21_job_queue
Revises: h17_roster_of_record
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = 'h21_job_queue'
down_revision = 'h17_roster_of_record'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('max_attempts', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('heartbeat_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_bulk_jobs_state'), ['state'], unique=False)
    # a job left "running" by the old in-thread runner has no worker to finish it
    op.execute("UPDATE bulk_jobs SET state = 'failed', error = 'interrupted by the upgrade' WHERE state = 'running'")
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.alter_column('attempts', server_default=None)
        batch_op.alter_column('max_attempts', server_default=None)


def downgrade():
    op.execute("UPDATE bulk_jobs SET state = 'failed', error = 'interrupted by the downgrade' WHERE state = 'queued'")
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_jobs_state'))
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('max_attempts')
        batch_op.drop_column('attempts')
