"""official documents and their templates

Revision ID: 0006_documents
Revises: 0005_municipality_settings
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_documents'
down_revision = '0005_municipality_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_document_template_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'],
                            name=op.f('fk_document_template_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_template')),
    sa.UniqueConstraint('municipality_id', 'kind', 'version', name='uq_document_template_version')
    )
    op.create_index(op.f('ix_document_template_municipality_id'), 'document_template',
                    ['municipality_id'], unique=False)
    # at most one active template per (municipality, kind)
    op.create_index('uq_document_template_active', 'document_template', ['municipality_id', 'kind'],
                    unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
    op.create_table('document_source',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                            name=op.f('fk_document_source_instance_id_process_instance'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_document_source'))
    )
    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.String(length=200), nullable=True),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('xlsx', sa.LargeBinary(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('has_xlsx', sa.Boolean(), nullable=False),
    sa.Column('has_pdf', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                            name=op.f('fk_document_version_created_by_id_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                            name=op.f('fk_document_version_instance_id_process_instance'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_document_version_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['template_id'], ['document_template.id'],
                            name=op.f('fk_document_version_template_id_document_template'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('instance_id', 'kind', 'version', name='uq_document_version')
    )
    op.create_index(op.f('ix_document_version_instance_id'), 'document_version', ['instance_id'], unique=False)
    op.create_index(op.f('ix_document_version_municipality_id'), 'document_version', ['municipality_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_document_version_municipality_id'), table_name='document_version')
    op.drop_index(op.f('ix_document_version_instance_id'), table_name='document_version')
    op.drop_table('document_version')
    op.drop_table('document_source')
    op.drop_index('uq_document_template_active', table_name='document_template')
    op.drop_index(op.f('ix_document_template_municipality_id'), table_name='document_template')
    op.drop_table('document_template')
