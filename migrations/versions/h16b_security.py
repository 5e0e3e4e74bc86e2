"""issue 16 (h16b): old E-INTERNAL rejections become unchecked uploads with their reason in check_error (the
column comes from h16a_upload_check_error); login failures counted per bucket (account + address, address)
with a lock time, instead of one row per failure

Revision ID: h16b_security
Revises: h21_job_queue
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = 'h16b_security'
down_revision = 'h21_job_queue'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE uploads SET outcome = 'unchecked', check_error = problem_message, problem_code = NULL, "
               "problem_message = NULL, error_count = 0 WHERE outcome = 'rejected' AND problem_code = 'E-INTERNAL'")
    op.create_table(
        'login_throttles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=160), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
        sa.UniqueConstraint('bucket', name=op.f('uq_login_throttles_bucket')),
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_remote_addr'))
        batch_op.drop_index(batch_op.f('ix_login_failures_login'))
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
    op.drop_table('login_failures')


def downgrade():
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('login', sa.String(length=80), nullable=False),
        sa.Column('remote_addr', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_login'), ['login'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_remote_addr'), ['remote_addr'], unique=False)
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_updated_at'))
    op.drop_table('login_throttles')
    op.execute("UPDATE uploads SET outcome = 'rejected', problem_code = 'E-INTERNAL', problem_message = check_error, "
               "check_error = NULL, error_count = 1 WHERE outcome = 'unchecked' AND problem_code IS NULL")
