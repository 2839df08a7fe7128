"""Reading a plan folder's YAML files (docs/plan-data.md), with no knowledge of what they hold.

Each app reads and writes its own part of a plan folder (``community.plan_folder``,
``programs.plan_folder``, ``indicators.plan_folder``); ``portal.plan_loading`` puts the parts
together. What they share is here: a :class:`PlanFolder` that reads each file once, the
:class:`Node` that walks a file's mappings and names the place of a mistake, and
:class:`PlanDataError`, which says in which file, where in it and what is wrong, so that a
person correcting the files knows where to look. Nothing here touches the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

INDEX_FILE = "plan.yaml"


class PlanDataError(ValueError):
    """The plan data files are not as docs/plan-data.md describes."""


class Node:
    """A mapping from the YAML with its location, for precise error messages."""

    def __init__(self, data: Any, file: str, path: str):
        if not isinstance(data, dict):
            raise PlanDataError(f"{file}: {path or 'top level'}: expected a mapping")
        self.data, self.file, self.path = data, file, path

    def error(self, key: str, message: str) -> PlanDataError:
        return PlanDataError(f"{self.file}: {self.path}.{key}: {message}".replace(": .", ": "))

    def check_keys(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            raise self.error(unknown[0], f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.error(key, "is required")
            return ""
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {value!r}")
        return value.strip()

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.error(key, f"expected a whole number, got {value!r}")
        return value

    def choice(self, key: str, choices: set[str]) -> str:
        value = self.text(key)
        if value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(sorted(choices))}")
        return value

    def children(self, key: str) -> list[Node]:
        items = self.data.get(key) or []
        if not isinstance(items, list):
            raise self.error(key, "expected a list")
        return [Node(item, self.file, f"{self.path}.{key}[{i}]") for i, item in enumerate(items)]

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}")
        return value

    def numbers(self, key: str) -> tuple[int, ...]:
        items = self.data.get(key) or []
        if not isinstance(items, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in items
        ):
            raise self.error(key, "expected a list of whole numbers")
        return tuple(items)

    def strings(self, key: str) -> tuple[str, ...]:
        items = self.data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.error(key, "expected a list of texts")
        return tuple(i.strip() for i in items)


def check_numbering(nodes: list[Node], numbers: list[int], what: str) -> None:
    """``numbers`` (of ``nodes``, not empty) run 1, 2, 3 … in order."""
    if numbers != list(range(1, len(numbers) + 1)):
        raise PlanDataError(
            f"{nodes[0].file}: {what} are numbered {numbers}; expected 1, 2, 3 … in order"
        )


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except FileNotFoundError as error:
        raise PlanDataError(f"{path}: file not found") from error
    except yaml.YAMLError as error:
        raise PlanDataError(f"{path}: not valid YAML: {error}") from error


class PlanFolder:
    """A plan folder: ``plan.yaml`` (its index, naming the other files) and the files it
    names, each read once however many apps read their part of it."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        self._files: dict[str, Node] = {}

    def file(self, name: str) -> Node:
        """The top level of the file ``name`` in the folder (a mapping)."""
        if name not in self._files:
            self._files[name] = Node(load_yaml(self.directory / name), name, "")
        return self._files[name]

    @property
    def index(self) -> Node:
        """The top level of ``plan.yaml``."""
        return self.file(INDEX_FILE)
