"""No city in the code (issue 20, item 7): the municipality and its wards come from the plan
folder (docs/plan-data.md), so no name or code of a municipality may appear in the product's
code, templates or static files.

What is searched: every file of the apps (kumamoto_welfare, infrastructure, community,
programs, indicators, evaluations, portal: Python, app templates, data files), templates/ and
static/ (not static/vendor/, which is Chart.js). Their migrations are searched too: none
names a city (0002_wards once created Kumamoto's wards and is empty since they became plan
data), and one that did would be seeding plan data, which is the plan folder's job.

What is left out: the plan folders themselves (any folder holding a plan.yaml), the tests and
their fixtures (not searched at all), and docs/ and the README (free to name the shipped plan's
city). Kumamoto's やさしい日本語 text is in its plan folder.

What is searched for: every municipality of every plan folder in the repository (the shipped
plan's and the fixtures'): its name, English name, prefecture and 全国地方公共団体コード, the
English name's first word (a city is written "Kumamoto" as often as "Kumamoto City"), and
each ward's name, English name, code and municipality code. Japanese names are matched whole
(熊本市, 熊本県): their stem is sometimes an ordinary word (架空市's 架空 is "fictional").
Latin words and codes are matched as whole words, the words in any case.

The project's package is called kumamoto_welfare: the product's name, not a reference to the
city. That identifier (kumamoto_welfare, kumamoto-welfare: the package, the logger names,
the default backup name and TOTP issuer) is not a hit; a longer name made from it, such as
the Data Package's former kumamoto-welfare-open-data, is."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "kumamoto_welfare",
    "infrastructure",
    "community",
    "programs",
    "indicators",
    "evaluations",
    "portal",
)
SEARCHED = (*APPS, "templates", "static")
LEFT_OUT = (
    ROOT / "static" / "vendor",  # Chart.js (make assets)
)
# The product's name (the project package), not the city's: the identifier itself, or as the
# start of a Python name (the codec error handler kumamoto_welfare_geta). As the start of a
# longer hyphenated name it is a hit: the Data Package was kumamoto-welfare-open-data.
PRODUCT = re.compile(r"kumamoto(_welfare|-welfare(?![-A-Za-z0-9]))", re.IGNORECASE)
PLAN_FOLDERS = ("programs", "tests/fixtures/plans")


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    term: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.term}"


def plan_folders(root: Path = ROOT) -> list[Path]:
    """Every plan folder in the repository: the shipped plan and the test fixtures."""
    return sorted(
        plan.parent for where in PLAN_FOLDERS for plan in (root / where).rglob("plan.yaml")
    )


def municipality_terms(folder: Path) -> set[str]:
    """The names and codes of the municipality of one plan folder, and of its wards."""
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    document = yaml.safe_load(
        (folder / plan.get("municipality", "municipality.yaml")).read_text(encoding="utf-8")
    )
    terms = set()
    for place in [document, *(document.get("wards") or [])]:
        for key in ("name", "name_en", "prefecture", "code", "municipality_code"):
            if place.get(key):
                terms.add(str(place[key]))
        if place.get("name_en"):
            terms.add(str(place["name_en"]).split()[0])  # Kumamoto (City), Chuo (Ward)
    return terms


def every_term() -> set[str]:
    return set().union(*(municipality_terms(folder) for folder in plan_folders()))


def _pattern(term: str) -> re.Pattern:
    if re.fullmatch(r"[\x00-\x7f]+", term):  # a Latin word or a code: a whole word
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", re.IGNORECASE)
    return re.compile(re.escape(term))


def files(root: Path = ROOT, searched=SEARCHED, left_out=LEFT_OUT) -> list[Path]:
    folders = set(plan_folders(root))
    found = []
    for where in searched:
        for path in sorted((root / where).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if any(path == out or out in path.parents for out in left_out):
                continue
            if any(folder in path.parents for folder in folders):
                continue
            found.append(path)
    return found


def hits(paths: list[Path], terms: set[str], root: Path = ROOT) -> list[Hit]:
    patterns = {}
    for term in sorted(terms):  # Chuo (Ward) and chuo are one word
        if not any(term.casefold() == known.casefold() for known in patterns):
            patterns[term] = _pattern(term)
    found = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # an image or font: no text to name a city in
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            line = PRODUCT.sub("", line)
            for term, pattern in patterns.items():
                if pattern.search(line):
                    found.append(Hit(str(path.relative_to(root)), number, term))
    return found


def test_no_municipality_is_named_in_the_code():
    found = hits(files(), every_term())
    assert not found, (
        "A municipality's name or code in the code (it belongs in the plan folder, "
        "docs/plan-data.md):\n" + "\n".join(map(str, found))
    )


def test_the_terms_come_from_every_plan_folder():
    """The search knows both cities of the repository, their wards and their codes, and the
    shipped plan folder itself is not searched."""
    terms = every_term()
    assert {"熊本市", "Kumamoto City", "Kumamoto", "熊本県", "431001"} <= terms
    assert {"中央区", "Chuo Ward", "chuo", "431010", "北区", "kita", "431052"} <= terms
    assert {"架空市", "Kaku City", "Kaku", "991007", "あさひ区", "asahi", "991015"} <= terms
    assert ROOT / "programs" / "data" / "plan" in plan_folders()
    searched = files()
    assert ROOT / "portal" / "open_data.py" in searched
    assert ROOT / "templates" / "base.html" in searched
    assert ROOT / "static" / "js" / "charts.js" in searched
    shipped = ROOT / "programs" / "data" / "plan"
    assert not [path for path in searched if shipped in path.parents]


def test_the_search_finds_a_city_and_leaves_the_product_name(tmp_path):
    plan = tmp_path / "programs" / "data" / "plan"
    plan.mkdir(parents=True)
    (plan / "plan.yaml").write_text("municipality: municipality.yaml\n", encoding="utf-8")
    (plan / "municipality.yaml").write_text(
        "code: '431001'\nname: 熊本市\nname_en: Kumamoto City\nprefecture: 熊本県\n"
        "wards:\n  - {code: chuo, municipality_code: '431010', name: 中央区, name_en: Chuo Ward}\n",
        encoding="utf-8",
    )
    app = tmp_path / "portal"
    app.mkdir()
    (app / "views.py").write_text(
        'import kumamoto_welfare.settings\nLOGGER = "kumamoto_welfare.audit"\n'
        'HELP = "熊本市の計画"  # the city\n'
        "CODE = 1431001  # a longer number is not the code\n"
        'WARD = "CHUO"\n'
        'ISSUER = "kumamoto-welfare"\n'
        'PACKAGE = "kumamoto-welfare-open-data"\n'
        "# the plan of Kumamoto\n"
        "EXAMPLE = '/api/v1/wards/431010/'\n",
        encoding="utf-8",
    )
    (app / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    terms = set().union(*(municipality_terms(folder) for folder in plan_folders(tmp_path)))
    found = hits(files(tmp_path, ("portal", "programs"), ()), terms, tmp_path)
    assert [str(hit) for hit in found] == [
        "portal/views.py:3: 熊本市",
        "portal/views.py:5: Chuo",
        "portal/views.py:7: Kumamoto",
        "portal/views.py:8: Kumamoto",
        "portal/views.py:9: 431010",
    ]
