"""one vocabulary: ratings store the enum codes of subject kinds and reasons (as findings do), and
templates.signature, a SHA-256 of the issued file, is named file_sha256

Revision ID: h18v_one_vocabulary
Revises: h20_notifications
"""
from alembic import op
import sqlalchemy as sa

revision = 'h18v_one_vocabulary'
down_revision = 'h20_notifications'
branch_labels = None
depends_on = None

# The words as they stood at this revision, old spelling → code (kdweb/domain.py may change later; this may not).
CODES = {
    'subject_kind': {'member': 'MEMBER', 'organisation': 'ORGANISATION', 'collective': 'COLLECTIVE',
                     'leader': 'LEADER'},
    'not_rated_reason': {'exempt': 'EXEMPT', 'suspended': 'SUSPENDED', 'new': 'NEW', 'temporary': 'TEMPORARY',
                         'other': 'OTHER'},
}


def _recode(column: str, pairs) -> None:
    ratings = sa.table('ratings', sa.column(column, sa.String))
    for old, new in pairs:
        op.execute(ratings.update().where(ratings.c[column] == old).values({column: new}))


def upgrade():
    for column, codes in CODES.items():
        _recode(column, codes.items())
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.alter_column('signature', new_column_name='file_sha256', existing_type=sa.String(length=128),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.alter_column('file_sha256', new_column_name='signature', existing_type=sa.String(length=128),
                              existing_nullable=False)
    for column, codes in CODES.items():
        _recode(column, ((new, old) for old, new in codes.items()))
