"""login failures: throttle password guessing across app servers

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
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


def downgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_remote_addr'))
        batch_op.drop_index(batch_op.f('ix_login_failures_login'))
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
    op.drop_table('login_failures')
