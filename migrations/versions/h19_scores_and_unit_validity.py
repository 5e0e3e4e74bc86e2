"""scores of a scored rule set on ratings; units valid from/to with a successor; site settings

Revision ID: h19_scores_and_unit_validity
Revises: h16b_security
"""
from alembic import op
import sqlalchemy as sa

revision = 'h19_scores_and_unit_validity'
down_revision = 'h16b_security'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'settings',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_settings')),
    )
    op.create_table(
        'quota_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('subject_kind', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_quota_marks_cycle_id_cycles')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_quota_marks_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_marks')),
        sa.UniqueConstraint('cycle_id', 'unit_id', 'subject_kind', name=op.f('uq_quota_marks_cycle_id')),
    )
    with op.batch_alter_table('quota_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_marks_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quota_marks_unit_id'), ['unit_id'], unique=False)
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('score_band', sa.String(length=10), nullable=True))
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('successor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_units_successor_id'), ['successor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_units_successor_id_units'), 'units', ['successor_id'], ['id'])


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_successor_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_units_successor_id'))
        batch_op.drop_column('successor_id')
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('score_band')
        batch_op.drop_column('score')
    op.drop_table('quota_marks')
    op.drop_table('settings')
