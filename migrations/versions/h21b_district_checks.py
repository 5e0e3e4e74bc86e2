"""district checks stored by a queue job; bulk jobs carry parameters and may be the system's own

Revision ID: h21b_district_checks
Revises: h17b_issued_roster
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = 'h21b_district_checks'
down_revision = 'h17b_issued_roster'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'district_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('computed_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('basis_event_id', sa.Integer(), nullable=False),
        sa.Column('unit_count', sa.Integer(), nullable=False),
        sa.Column('finding_count', sa.Integer(), nullable=False),
        sa.Column('cpu_seconds', sa.Float(), nullable=False),
        sa.Column('findings_json', sa.Text(), nullable=True),
        sa.Column('names_json', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_district_checks_cycle_id_cycles')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_district_checks')),
        sa.UniqueConstraint('cycle_id', name=op.f('uq_district_checks_cycle_id')),
    )
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params_json', sa.Text(), nullable=True))
        batch_op.alter_column('requested_by_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM bulk_jobs WHERE requested_by_id IS NULL")
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.alter_column('requested_by_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('params_json')
    op.drop_table('district_checks')
