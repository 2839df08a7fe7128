"""Check the Dockerfile without Docker: every source of a COPY (or ADD) from the build
context exists and is not left out by .dockerignore, every package pyproject.toml installs
is copied before `pip install .`, and hadolint (from the dev extra, or on PATH) finds
nothing. Run by CI (.ci/run) and by tests/test_deployment.py.

    python scripts/check_dockerfile.py [Dockerfile]

Exit status 1 with one line per problem."""

from __future__ import annotations

import fnmatch
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions(text: str) -> list[tuple[int, str, str]]:
    """(line number, instruction, arguments), continuation lines joined, comments out."""
    found, pending, start = [], "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append((start, keyword.upper(), arguments.strip()))
    return found


def copy_sources(arguments: str) -> list[str] | None:
    """The context sources of a COPY/ADD, or None when it copies from a stage or image."""
    words = json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)
    flags = [w for w in words if w.startswith("--")]
    if any(flag.startswith("--from=") for flag in flags):
        return None
    paths = [w for w in words if not w.startswith("--")]
    return paths[:-1]


def ignore_rules(root: Path) -> list[tuple[bool, str]]:
    """.dockerignore as (excluding?, pattern), in order; the last rule that matches wins."""
    path = root / ".dockerignore"
    if not path.exists():
        return []
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        rules.append((not negated, pattern))
    return rules


def _matches(path: str, pattern: str) -> bool:
    if fnmatch.fnmatchcase(path, pattern):
        return True
    if pattern.startswith("**/"):
        rest = pattern[3:]
        parts = path.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[i:]), rest) for i in range(len(parts)))
    return False


def ignored(path: str, rules: list[tuple[bool, str]]) -> bool:
    """Whether .dockerignore leaves ``path`` (relative, with /) out of the build context: a
    rule matching the path or a folder above it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for excluding, pattern in rules:
        if any(_matches(prefix, pattern) for prefix in prefixes):
            verdict = excluding
    return verdict


def copy_problems(dockerfile: Path, root: Path = ROOT) -> list[str]:
    problems = []
    rules = ignore_rules(root)
    for number, keyword, arguments in instructions(dockerfile.read_text(encoding="utf-8")):
        if keyword not in {"COPY", "ADD"}:
            continue
        sources = copy_sources(arguments)
        if sources is None:
            continue
        if not sources:
            problems.append(f"{dockerfile.name}:{number}: {keyword} names no source")
        for source in sources:
            if source.startswith(("http://", "https://", "git@")):
                continue
            relative = source.lstrip("/").removeprefix("./") or "."
            if relative == ".":
                continue
            if any(c in relative for c in "*?["):
                matches = list(root.glob(relative))
            else:
                matches = [root / relative] if (root / relative).exists() else []
            if not matches:
                problems.append(f"{dockerfile.name}:{number}: {keyword} {source}: no such file")
                continue
            for match in matches:
                name = match.relative_to(root).as_posix()
                if ignored(name, rules):
                    problems.append(
                        f"{dockerfile.name}:{number}: {keyword} {source}: left out of the "
                        "build context by .dockerignore"
                    )
    return problems


def package_problems(dockerfile: Path, root: Path = ROOT) -> list[str]:
    """Every package pyproject.toml installs is copied before ``pip install .`` runs: a
    package left out would be missing from the installed app (and only found at run time)."""
    import tomllib

    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = sorted(
        path.name
        for path in root.iterdir()
        if (path / "__init__.py").exists()
        and any(fnmatch.fnmatchcase(path.name, pattern) for pattern in patterns)
    )
    copied: set[str] = set()
    for number, keyword, arguments in instructions(dockerfile.read_text(encoding="utf-8")):
        if keyword in {"COPY", "ADD"}:
            sources = copy_sources(arguments) or []
            copied.update(s.strip("/").removeprefix("./").split("/")[0] for s in sources)
        elif keyword == "RUN" and "pip install ." in arguments:
            if "." in copied:
                return []
            return [
                f"{dockerfile.name}:{number}: pip install . runs before {name} is copied"
                for name in packages
                if name not in copied
            ]
    return []


def hadolint() -> str | None:
    """The hadolint command: the dev extra's (beside this Python) or one on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.exists():
        return str(beside)
    return shutil.which("hadolint")


def hadolint_problems(dockerfile: Path) -> list[str] | None:
    """hadolint's findings (any level fails), or None when hadolint is not installed."""
    command = hadolint()
    if command is None:
        return None
    result = subprocess.run(
        [command, "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=120
    )
    if result.returncode == 0:
        return []
    return (result.stdout + result.stderr).strip().splitlines() or [
        f"hadolint exited {result.returncode}"
    ]


def main(argv: list[str]) -> int:
    dockerfile = Path(argv[0]) if argv else ROOT / "Dockerfile"
    problems = copy_problems(dockerfile) + package_problems(dockerfile)
    linted = hadolint_problems(dockerfile)
    if linted is None:
        print("hadolint not installed: only the COPY sources were checked")
    else:
        problems += linted
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(
        f"{dockerfile.name}: every COPY source exists"
        + ("" if linted is None else "; hadolint clean")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
