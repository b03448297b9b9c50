"""Themes of free-text answers: suggested and confirmed codes, approved quotes.

A code belongs to one free-text answer (deleted with it when retention deletes
the words).  Only ``status == "confirmed"`` counts in published figures; a
suggestion waits for a person (a safeguarding lead or an admin).  A quote is an
answer's words a person approved for publication, checked for personal details.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .tenancy import CouncilOwned

THEME_STATUSES = ("suggested", "confirmed", "rejected")


class ThemeCode(CouncilOwned, Base):
    __tablename__ = "theme_code"
    __table_args__ = (UniqueConstraint("answer_id", "theme", name="uq_theme_code_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"),
                                           index=True)
    theme: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="suggested")
    # How it was suggested: "keyword", "model" (with its probability) or "person".
    source: Mapped[str] = mapped_column(String(10), default="keyword")
    score: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ThemeQuote(CouncilOwned, Base):
    """An answer's words approved by a person to be quoted under a theme."""

    __tablename__ = "theme_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"),
                                           unique=True)
    theme: Mapped[str] = mapped_column(String(40))
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
