"""Who is at the keyboard, as the operating system or the database server says — never the environment.

The approval rules (four eyes, roles) are only as good as the name they are given. Environment
variables (``USER``, ``LOGNAME``, ``USERNAME``) can be set by anyone in a command prompt, so they are
never asked:

* On POSIX the effective user id is looked up in the user database (``pwd``).
* On Windows the user of the process's own access token is looked up with the Win32 API
  (``OpenProcessToken`` → ``GetTokenInformation(TokenUser)`` → ``LookupAccountSidW``); that is the
  Windows logon, domain accounts included. The name is returned without its domain, as IT types
  it in ``sns-desk user add`` (and as PostgreSQL's SSPI login maps it with ``include_realm=0``).
* On PostgreSQL the server-verified ``session_user`` is the user (see :func:`database_login`).

What SQLite on one terminal cannot protect: whoever can write the database file can change it with
any SQLite tool. The audit chain detects such edits; it cannot prevent them.
"""

from __future__ import annotations

import os
import sys
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Engine

UNKNOWN_USER: Final = "sns-desk-user"
"""The login when the operating system has no name for this process (a container without a passwd entry)."""


def os_login() -> str:
    """The login name of the user this process runs as, from the operating system itself."""
    name = _windows_login() if sys.platform == "win32" else _posix_login()
    return name.strip() or UNKNOWN_USER


def _posix_login() -> str:
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # no entry in the user database: the number is all the system knows
        return f"uid-{uid}"


def _windows_login() -> str:  # pragma: no cover - exercised on Windows terminals, not on this CI
    import ctypes
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    token_query, token_user = 0x0008, 1
    token = wintypes.HANDLE()
    if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), token_query, ctypes.byref(token)):
        return ""
    try:
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, token_user, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, token_user, buffer, size, ctypes.byref(size)):
            return ""
        sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.User.Sid
        name, domain = ctypes.create_unicode_buffer(256), ctypes.create_unicode_buffer(256)
        name_len, domain_len, use = wintypes.DWORD(256), wintypes.DWORD(256), wintypes.DWORD()
        ok = advapi32.LookupAccountSidW(
            None,
            ctypes.c_void_p(sid),
            name,
            ctypes.byref(name_len),
            domain,
            ctypes.byref(domain_len),
            ctypes.byref(use),
        )
        return str(name.value) if ok else ""
    finally:
        kernel32.CloseHandle(token)


def database_login(engine: Engine) -> str:
    """The user of a connection to ``engine``: PostgreSQL's ``session_user``, else the OS user.

    ``session_user`` is the role the server authenticated (SCRAM password, SSPI/Kerberos); a client
    cannot change it with ``SET ROLE``, unlike ``current_user``.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT session_user")).scalar_one())
    return os_login()
