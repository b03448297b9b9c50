"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}
    # The deployment's own council and, on PostgreSQL, row-level security on every
    # council table (idempotent; docs/TENANCY.md).
    from app.tenancy.rls import after_upgrade

    after_upgrade(op)


def downgrade():
    ${downgrades if downgrades else "pass"}
