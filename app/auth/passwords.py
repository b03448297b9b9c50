"""Password hashing (argon2id, RFC 9106 second recommended parameters) and policy.

The policy follows NIST SP 800-63B and OWASP ASVS 5 (V6.2): at least 8
characters, up to 256 accepted (spaces and any Unicode allowed, nothing
truncated, no composition rules), and refused when it is a known common or
breached password or is guessable within about a million tries (zxcvbn's
estimate, which also knows keyboard walks, dates, repeats, l33t and the
user's own e-mail).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# RFC 9106 section 4, second recommended option: t=3, m=64 MiB, p=4.
_HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)

MIN_LENGTH = 8
MAX_LENGTH = 256

# Refused outright: the most common passwords in breach corpora, plus the
# service's own name.  Checked case-insensitively.
COMMON = {
    "password", "password1", "password123", "passw0rd", "12345678", "123456789",
    "1234567890", "qwertyuiop", "qwerty123", "iloveyou", "sunshine1", "football",
    "baseball1", "welcome1", "welcome123", "letmein1", "abc12345", "admin123",
    "administrator", "11111111", "00000000", "trustno1", "superman", "princess1",
    "changeme", "hereford", "herefordshire", "youthvoicemap", "youthvoice",
    "council1", "council123", "monkey123", "dragon123", "master123", "starwars",
    "whatever", "computer", "internet", "qwertyui", "asdfghjk", "zxcvbnm1",
    "p@ssw0rd", "p@ssword", "spring2024", "summer2024", "autumn2024", "winter2024",
    "spring2025", "summer2025", "autumn2025", "winter2025", "spring2026",
    "summer2026", "autumn2026", "winter2026",
}


# Refused when fewer guesses than this would find it (zxcvbn score 0 or 1).
MIN_GUESSES = 10**6
# zxcvbn's cost grows with length; a passphrase this long is strong anyway.
_SCORED_PREFIX = 64
_SERVICE_WORDS = ["youth", "voice", "map", "council", "hereford", "herefordshire", "staff"]


def _breached() -> frozenset[str]:
    global _BREACHED
    if _BREACHED is None:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS

        _BREACHED = frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"]) | COMMON
    return _BREACHED


_BREACHED: frozenset[str] | None = None


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why ``password`` is not acceptable, or ``None`` when it is."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if email and (lowered == email.lower() or lowered == email.lower().split("@")[0]):
        return "Password must not be your email address."
    if lowered in _breached() or len(set(lowered)) < 3:
        return "That password is too common. Choose a longer, less guessable one."
    from zxcvbn import zxcvbn

    inputs = list(_SERVICE_WORDS)
    if email:
        inputs += [part for part in email.lower().replace("@", ".").split(".") if part]
    if zxcvbn(password[:_SCORED_PREFIX], user_inputs=inputs)["guesses"] < MIN_GUESSES:
        return ("That password is too easy to guess. Try three or four unrelated words "
                "together, for example 'kettle lamp orbit river'.")
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


@cache
def dummy_hash() -> str:
    """A fixed hash to verify against when the account does not exist, so that response
    time does not reveal which emails have accounts.  Made on first use, not at import:
    an argon2 hash (64 MiB) at every process start cost each RQ worker and `flask`
    command a third of a second for a sign-in it never checks."""
    return _HASHER.hash("not-a-real-password-xyzzy")
