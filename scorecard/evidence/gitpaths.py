"""Paths and line counts as git prints them, for :mod:`scorecard.evidence.git` and the passes that read its
output (importable from there too). Pure: no process, no I/O."""

from __future__ import annotations


def decode_path(raw: bytes) -> str:
    """A path as git prints it with ``-z``, as text: bytes that are not UTF-8 stay visible as ``\\xNN``.

    A backslash is written ``\\x5c`` too, so that two paths never read the same (``caf\\xe9`` could be
    either): every path of the scan, the same file always under the same name, and :func:`encode_path`
    gives git back its bytes.
    """
    escaped = raw.replace(b"\\", b"\\x5c") if b"\\" in raw else raw
    return escaped.decode("utf-8", "backslashreplace")


def encode_path(path: str) -> bytes:
    """The bytes of a path :func:`decode_path` wrote (text that is no escape stays as it is)."""
    if "\\" not in path:
        return path.encode("utf-8")
    first, *rest = path.split("\\x")
    encoded = bytearray(first.encode("utf-8"))
    for part in rest:
        if len(part) >= 2 and all(digit in "0123456789abcdef" for digit in part[:2]):
            encoded.append(int(part[:2], 16))
            encoded += part[2:].encode("utf-8")
        else:
            encoded += b"\\x" + part.encode("utf-8")
    return bytes(encoded)


def count_lines(data: bytes) -> int:
    """Lines as ``git diff --numstat`` counts them for a text blob (a last line without newline counts)."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
