"""notifications: in-app list per user, and an e-mail address per account

Revision ID: h20_notifications
Revises: h19_scores_and_unit_validity
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = 'h20_notifications'
down_revision = 'h19_scores_and_unit_validity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('cycle_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('once_key', sa.String(length=80), nullable=True),
        sa.Column('created_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('read_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('emailed_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_notifications_cycle_id_cycles')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_notifications_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('user_id', 'once_key', name=op.f('uq_notifications_user_id')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
    op.drop_table('notifications')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
