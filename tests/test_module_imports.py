"""No module imports a module that imports it back (inside functions and TYPE_CHECKING blocks
included): the layers contract (lint-imports) orders the packages, this the modules."""

import grimp

PACKAGES = (
    "kumamoto_welfare",
    "portal",
    "evaluations",
    "indicators",
    "programs",
    "community",
    "infrastructure",
)


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False, cache_dir=None)
    pairs = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if module < imported and module in graph.find_modules_directly_imported_by(imported)
    )
    assert not pairs, f"modules that import each other: {pairs}"
