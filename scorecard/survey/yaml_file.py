"""The YAML files people edit (banks, answers files), read one way: bounded, with line numbers, as plain trees.

Both :mod:`~scorecard.survey.bank_file` and :mod:`~scorecard.survey.answers_file` read through here, so a file
is refused the same way, as one :class:`YamlFileError` with the line when there is one, for:

- more bytes than its kind allows (reading stops at the limit, so ``/dev/zero`` is refused too);
- aliases (``*name``): refused outright, not capped. They are the only way a small file becomes a large value
  (414 bytes of nested ``&a [*a, *a, ...]`` are 400 MB once walked), no shipped bank or exported answers file
  uses them, and refusing the first one costs nothing, where a cap would have to count every expansion;
- nesting deeper than :data:`MAX_DEPTH` (PyYAML composes recursively: thousands of ``[`` are a RecursionError);
- keys that are lists or mappings, text with a lone surrogate (a ``"\\ud800"`` escape no database can store),
  and values PyYAML cannot build (``2026-02-30`` as a date, ``!!int x``), which it would raise as ValueError or
  KeyError rather than as a YAML error.

Parsing is libyaml's (C): a shipped bank reads in 20 ms, where PyYAML's own loader took 115 ms and every
command loads one or two. Every mapping comes back as a :class:`LineDict`: the line it starts on, each key's line, and the keys given twice.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from scorecard.errors import ScorecardError, one_line

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings; a bank needs 7 levels, an answers file 3."""
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlFileError(ScorecardError):
    """A YAML file that cannot be read or parsed: ``detail`` says why (one short line), ``line`` where."""

    def __init__(self, detail: str, line: int | None = None):
        super().__init__(f"line {line}: {detail}" if line else detail)
        self.detail = detail
        self.line = line


class LineDict(dict[Any, Any]):
    """A mapping that remembers its first line, each key's line (1-based) and the keys given twice."""

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        """The line of ``key`` (of the mapping, when the key is absent)."""
        return self.key_lines.get(key, self.line)


def _refuse_aliases_and_depth(text: str) -> None:
    """The refusals that must come before composing, on libyaml's event stream: its parser keeps its own stack,
    so a 5,000-deep file is read without recursion here, and the composer then never sees more than
    :data:`MAX_DEPTH` levels. A node at depth d is inside d - 1 collections."""
    open_collections = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        mark: Any = event.start_mark  # the stubs type marks of the C and the Python parser apart
        if isinstance(event, yaml.AliasEvent):
            raise ComposerError(None, None, "aliases (*name) are not allowed: write the value out", mark)
        if isinstance(event, yaml.NodeEvent) and open_collections + 1 > MAX_DEPTH:
            raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
        if isinstance(event, yaml.CollectionStartEvent):
            open_collections += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            open_collections -= 1


class _TreeLoader(yaml.CSafeLoader):
    """libyaml's safe loader (no arbitrary objects; C, about five times PyYAML's own speed on a bank) building
    :class:`LineDict` trees, after :func:`_refuse_aliases_and_depth`."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            problem = f"cannot read this value as {one_line(tag, 40)} ({one_line(str(error), 80)})"
            raise ConstructorError(None, None, problem, node.start_mark) from None


def _construct_mapping(loader: _TreeLoader, node: MappingNode) -> LineDict:
    own = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
    loader.flatten_mapping(node)
    first_own = len(node.value) - own  # merged entries come first: keys of our own may override them
    mapping = LineDict(node.start_mark.line + 1)
    own_keys: set[Any] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise ConstructorError(None, None, "a key cannot be a list or a mapping", key_node.start_mark)
        line = key_node.start_mark.line + 1
        if index >= first_own:
            if key in own_keys:
                mapping.duplicates.append((key, line))
            own_keys.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_text(loader: _TreeLoader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a "\ud800" escape: no file, terminal or database can hold a lone surrogate
        raise ConstructorError(None, None, "text with a lone surrogate (\\uD800-\\uDFFF)", node.start_mark) from None
    return text


_TreeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_TreeLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)


def read_text(path: Path, max_bytes: int) -> str:
    """The UTF-8 text of ``path``; :class:`YamlFileError` when it is missing, unreadable or over ``max_bytes``."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise YamlFileError("was not found") from None
    except IsADirectoryError:
        raise YamlFileError("is a folder, not a file") from None
    except OSError as error:
        raise YamlFileError(f"cannot be read ({error.strerror or type(error).__name__})") from None
    except ValueError:  # a NUL character in the path
        raise YamlFileError("cannot be read (not a valid file name)") from None
    if len(data) > max_bytes:
        raise YamlFileError(f"is larger than {max_bytes / 1_000_000:g} MB ({max_bytes:,} bytes), the limit") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlFileError("is not UTF-8 text", data.count(b"\n", 0, error.start) + 1) from None


def parse_yaml(text: str) -> Any:
    """One YAML document as plain values and :class:`LineDict` mappings; :class:`YamlFileError` otherwise."""
    loader: _TreeLoader | None = None
    try:
        yaml.reader.Reader(text)  # every character checked, as PyYAML's reader does (libyaml words it otherwise)
        _refuse_aliases_and_depth(text)
        loader = _TreeLoader(text)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        context = f" ({error.context})" if error.problem and error.context else ""
        detail = one_line(f"{error.problem or error.context or 'not valid YAML'}{context}", 120)
        if "maximum nesting depth" in detail:  # libyaml's own limit (1,000 flow levels) met before ours
            detail = f"nested deeper than {MAX_DEPTH} levels"
        raise YamlFileError(detail, mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise YamlFileError(f"character U+{error.character:04X} is not allowed in YAML", line) from None
    except yaml.YAMLError as error:
        raise YamlFileError(one_line(str(error), 120)) from None
    finally:
        if loader is not None:
            loader.dispose()
