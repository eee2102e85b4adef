"""User names and passwords as people type them: one form to store and compare user names in
(NFKC, case-folded), and the rules both must follow.

A user name is NFKC-normalised and written in one script, Latin or Han, with digits and a few
marks (`- _ . @ ·`): no spaces, no control, bidi or zero-width characters, and no look-alike
letters from another script (a Cyrillic "а" in a Latin name). A password has at least 8
characters, not all spaces, is not one everyone tries first, and does not contain the user
name. Every refusal says why, in English and in Chinese (the CLI serves both).
"""

from __future__ import annotations

import unicodedata

from coordinator.errors import CoordinatorError
from coordinator.services.accounts.common_passwords import COMMON_PASSWORDS

MAX_USERNAME_LENGTH = 64
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MARKS = frozenset("-_.@·")


class AccountError(CoordinatorError):
    """A user cannot be made or changed as asked."""


class PolicyError(AccountError):
    """A user name or a password breaks a rule; the message is in English and Chinese."""

    def __init__(self, english: str, chinese: str) -> None:
        super().__init__(f"{english} / {chinese}")
        self.english = english
        self.chinese = chinese


def username_key(username: str) -> str:
    """The form two user names are compared in: NFKC, case-folded, outer spaces dropped."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _script(char: str) -> str:
    """latin, han, digit, mark, or "" for a character no user name may hold."""
    if char.isascii():
        if char.isalpha():
            return "latin"
        if char.isdigit():
            return "digit"
    if char in MARKS:
        return "mark"
    name = unicodedata.name(char, "")
    if name.startswith("LATIN ") and unicodedata.category(char).startswith("L"):
        return "latin"
    if name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
        return "han"
    return ""


def clean_username(raw: str) -> str:
    """The user name to store (NFKC), or PolicyError saying what is wrong with it."""
    name = unicodedata.normalize("NFKC", raw)
    if not name.strip():
        raise PolicyError("the user name is empty", "用户名不能为空")
    if name != name.strip():
        raise PolicyError(
            f"user name {name!r}: no spaces at the start or the end",
            f"用户名 {name!r} 的开头和结尾不能有空格",
        )
    if len(name) > MAX_USERNAME_LENGTH:
        raise PolicyError(
            f"the user name has more than {MAX_USERNAME_LENGTH} characters",
            f"用户名不能超过 {MAX_USERNAME_LENGTH} 个字符",
        )
    scripts = set()
    for char in name:
        script = _script(char)
        if not script:
            code = f"U+{ord(char):04X}"
            raise PolicyError(
                f"user name {name!r}: the character {code} is not allowed (letters, digits "
                "and - _ . @ · only; no spaces, control, bidi or zero-width characters)",
                f"用户名 {name!r} 含有不允许的字符 {code}（只能用字母、数字和 - _ . @ ·，"
                "不能有空格、控制字符、双向控制字符或零宽字符）",
            )
        scripts.add(script)
    if {"latin", "han"} <= scripts:
        raise PolicyError(
            f"user name {name!r}: use Latin letters or Chinese characters, not both",
            f"用户名 {name!r} 只能用拉丁字母或汉字中的一种，不能混用",
        )
    return name


def check_password(password: str, username: str) -> None:
    """PolicyError unless the password is long enough, not all spaces, not a common one and
    does not contain the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PolicyError(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PolicyError(
            f"the password has more than {MAX_PASSWORD_LENGTH} characters",
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符",
        )
    folded = unicodedata.normalize("NFKC", password).casefold()
    if not folded.strip():
        raise PolicyError("the password is only spaces", "密码不能全是空格")
    if folded.strip() in COMMON_PASSWORDS or len(set(folded)) == 1:
        raise PolicyError(
            "the password is one everyone tries first: choose another",
            "这个密码太常见，很容易被猜到，请换一个",
        )
    key = username_key(username)
    if key and (folded == key or (len(key) >= 3 and key in folded)):
        raise PolicyError("the password must not contain the user name", "密码不能包含用户名")
