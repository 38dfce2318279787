"""Scale: per-enrolment coverage facts kept by triggers, and the indexes the city-size query plans ask for.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa

from quizapp.models.coverage_flags import REFRESH_ALL, trigger_statements


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_started', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('families_confirmed', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(
            'ix_enrollment_coverage', ['class_id', 'has_started', 'completed_at', 'families_confirmed'], unique=False
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_school_role', ['school_id', 'role'], unique=False)
    bind = op.get_bind()
    # Triggers are created after the batch copy of the table (which would drop them on SQLite).
    for statement in trigger_statements(bind.dialect.name, counters=False):
        op.execute(statement)
    op.execute(REFRESH_ALL)


def downgrade():
    bind = op.get_bind()
    for statement in trigger_statements(bind.dialect.name, counters=False):
        if statement.startswith('DROP TRIGGER'):
            op.execute(statement)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_school_role')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_coverage')
        batch_op.drop_column('families_confirmed')
        batch_op.drop_column('completed_at')
        batch_op.drop_column('has_started')
