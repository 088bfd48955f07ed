"""Write texts back into a YAML file in place: only the edited scalars change, byte for byte.

Used by the PO import (translations_po.py). A round trip through ruamel.yaml's
dumper keeps comments but re-indents sequences, re-wraps long lines and may
re-quote scalars it did not need to touch; a file an editor keeps by hand should
come back with exactly one line changed. So the file is composed (ruamel.yaml,
which gives each scalar's start and end offset), each edited scalar's span is
replaced by the new value written by ruamel.yaml's emitter in the scalar's own
style (double-quoted stays double-quoted; plain stays plain when it can), and
the result is parsed again and compared with the data we meant to write: a
style that cannot hold the new text falls back to double quotes, and anything
else is refused rather than written.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from .load import dotted

_FLOW_INDICATORS = set(",[]{}")


class EditError(ValueError):
    """The edit cannot be made safely; the message says which field."""


def replace_texts(text: str, edits: dict[tuple, str]) -> str:
    """`text` with the string at each field path (("a", 0, "en")) set to its new value."""
    root = YAML(typ="rt").compose(text)
    spans = []
    for loc, value in edits.items():
        node, in_flow = _find(root, loc)
        spans.append((node.start_mark.index, node.end_mark.index, loc, value, node.style, in_flow))
    expected = _with_values(YAML(typ="safe", pure=True).load(text), edits)
    out = text
    for start, end, _loc, value, style, in_flow in sorted(spans, key=lambda s: -s[0]):
        trailing = "\n" if style in ("|", ">") and text[start:end].endswith("\n") else ""
        out = out[:start] + _emit(value, style, in_flow) + trailing + out[end:]
    if _parses_to(out, expected):
        return out
    # A style that looked possible did not hold the text (a plain scalar that
    # now reads as something else): write every edit double-quoted, then check again.
    out = text
    for start, end, _loc, value, style, in_flow in sorted(spans, key=lambda s: -s[0]):
        trailing = "\n" if style in ("|", ">") and text[start:end].endswith("\n") else ""
        out = out[:start] + _emit(value, '"', in_flow) + trailing + out[end:]
    if _parses_to(out, expected):
        return out
    raise EditError(f"cannot write {', '.join(map(dotted, edits))} back without changing other data")


def _find(root: Node, loc: tuple) -> tuple[ScalarNode, bool]:
    node, in_flow = root, False
    for part in loc:
        in_flow = in_flow or bool(getattr(node, "flow_style", False))
        if isinstance(node, MappingNode) and isinstance(part, str):
            match = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part]
            if not match:
                raise EditError(f"{dotted(loc)}: no such field")
            node = match[0]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            raise EditError(f"{dotted(loc)}: no such field")
    if not isinstance(node, ScalarNode):
        raise EditError(f"{dotted(loc)}: not a text")
    return node, in_flow or bool(getattr(node, "flow_style", False))


def _emit(value: str, style: str | None, in_flow: bool) -> str:
    """`value` as one YAML scalar in `style`, written by ruamel.yaml's emitter on one line."""
    if style == "'":
        wrapped: Any = SingleQuotedScalarString(value)
    elif style in (None, "") and not (in_flow and _FLOW_INDICATORS & set(value)):
        wrapped = value  # plain if the emitter finds it safe; it quotes it otherwise
    else:
        wrapped = DoubleQuotedScalarString(value)
    yaml = YAML(typ="rt")
    yaml.width = 1 << 20  # never fold: a text stays on its line
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump({"k": wrapped}, buffer)
    emitted = buffer.getvalue().removeprefix("k: ").removesuffix("\n")
    if "\n" in emitted:  # a multi-line form would need the field's own indentation
        buffer = io.StringIO()
        yaml.dump({"k": DoubleQuotedScalarString(value)}, buffer)
        emitted = buffer.getvalue().removeprefix("k: ").removesuffix("\n")
    return emitted


def _with_values(data: Any, edits: dict[tuple, str]) -> Any:
    for loc, value in edits.items():
        parent = data
        for part in loc[:-1]:
            parent = parent[part]
        parent[loc[-1]] = value
    return data


def _parses_to(text: str, expected: Any) -> bool:
    try:
        return YAML(typ="safe", pure=True).load(text) == expected
    except YAMLError:  # a form that does not parse is wrong; the caller tries the next
        return False
