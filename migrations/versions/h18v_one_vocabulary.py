"""one vocabulary: ratings store the enum codes of subject kinds and reasons (as findings do), persons the code
of a known discipline form, and templates.signature, a SHA-256 of the issued file, is named file_sha256

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
    ('ratings', 'subject_kind'): {'member': 'MEMBER', 'organisation': 'ORGANISATION', 'collective': 'COLLECTIVE',
                                  'leader': 'LEADER'},
    ('ratings', 'not_rated_reason'): {'exempt': 'EXEMPT', 'suspended': 'SUSPENDED', 'new': 'NEW',
                                      'temporary': 'TEMPORARY', 'other': 'OTHER'},
    ('persons', 'discipline_form'): {'khien_trach': 'KHIEN_TRACH', 'canh_cao': 'CANH_CAO', 'cach_chuc': 'CACH_CHUC',
                                     'khai_tru': 'KHAI_TRU'},
}


def _recode(table: str, column: str, pairs) -> None:
    rows = sa.table(table, sa.column(column, sa.String))
    for old, new in pairs:
        op.execute(rows.update().where(rows.c[column] == old).values({column: new}))


def upgrade():
    for (table, column), codes in CODES.items():
        _recode(table, column, codes.items())
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.alter_column('signature', new_column_name='file_sha256', existing_type=sa.String(length=128),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.alter_column('file_sha256', new_column_name='signature', existing_type=sa.String(length=128),
                              existing_nullable=False)
    for (table, column), codes in CODES.items():
        _recode(table, column, ((new, old) for old, new in codes.items()))
