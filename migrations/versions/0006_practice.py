"""Practice tasks on simulated portal screens, and students' runs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('grades', sa.JSON(), nullable=False),
    sa.Column('app', sa.String(length=20), nullable=False),
    sa.Column('intro_html', sa.Text(), nullable=False),
    sa.Column('relative_html', sa.Text(), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('screens', sa.JSON(), nullable=False),
    sa.Column('start', sa.String(length=80), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('source_path', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_practice_task_lesson_id_lesson')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_task')),
    sa.UniqueConstraint('key', name=op.f('uq_practice_task_key'))
    )
    op.create_index(op.f('ix_practice_task_lesson_id'), 'practice_task', ['lesson_id'], unique=False)
    op.create_table('practice_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('current', sa.String(length=80), nullable=False),
    sa.Column('reached', sa.JSON(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('mistakes', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['practice_task.id'], name=op.f('fk_practice_run_task_id_practice_task')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_practice_run_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_run'))
    )
    op.create_index('ix_practice_run_task_user', 'practice_run', ['task_id', 'user_id'], unique=False)
    op.create_index(op.f('ix_practice_run_user_id'), 'practice_run', ['user_id'], unique=False)
    op.create_table('practice_mistake',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['practice_run.id'], name=op.f('fk_practice_mistake_run_id_practice_run')),
    sa.ForeignKeyConstraint(['task_id'], ['practice_task.id'], name=op.f('fk_practice_mistake_task_id_practice_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_mistake'))
    )
    op.create_index(op.f('ix_practice_mistake_run_id'), 'practice_mistake', ['run_id'], unique=False)
    op.create_index(op.f('ix_practice_mistake_task_id'), 'practice_mistake', ['task_id'], unique=False)


def downgrade():
    op.drop_table('practice_mistake')
    op.drop_table('practice_run')
    op.drop_table('practice_task')
