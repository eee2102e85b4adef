"""A short list of passwords everyone tries first (8 characters or more, as typed in China and
elsewhere); compared case-folded. Not a breach corpus: just the ones a guesser starts with."""

from __future__ import annotations

_LISTED = """
    00000000 11111111 11223344 12121212 12341234 12344321 123123123 12345678 123456789
    1234567890 123456abc 12345678a 1234qwer 13141314 1314520520 1314521 147258369 1qaz2wsx
    1q2w3e4r 1q2w3e4r5t 22222222 5201314520 520520520 55555555 66666666 66668888 741852963
    77777777 87654321 88888888 888888888 987654321 99999999 a1234567 a12345678 a123456789
    aa123456 aaaaaaaa abc12345 abc123456 abcd1234 abcdefgh admin123 admin1234 administrator
    asdf1234 asdfghjk asdfghjkl baseball dragon123 football iloveyou jiaoshi123 letmein1
    master123 monkey123 p@ssw0rd passw0rd password password1 password123 princess q1w2e3r4
    qazwsxedc qq123456 qwer1234 qwertyui qwertyuiop school123 sunshine superman teacher123
    trustno1 wang1234 welcome1 woaini1314 woaini520 xiaoxue123 zhang123 zxcvbnm123 zxcvbnm1
    changeme letmein123 1234abcd abcd12345 xuexiao123 laoshi123 mima1234 mima123456
"""
COMMON_PASSWORDS = frozenset(_LISTED.split())
