"""Routers are tried in the order ``main.routers`` gives, the busiest pages first. That is safe
only while no path is matched by routes of two different routers."""

from __future__ import annotations

import re

from starlette.routing import Route

from tafteesh.main import routers


def test_no_path_is_claimed_by_two_routers() -> None:
    routes = [
        (index, route)
        for index, router in enumerate(routers())
        for route in router.routes
        if isinstance(route, Route)
    ]
    assert len(routes) > 100
    clashes = []
    for index, route in routes:
        # A path that this route matches, with every parameter filled in.
        sample = re.sub(r"\{[^}]+\}", "x1", route.path)
        for other_index, other in routes:
            same_methods = not (route.methods and other.methods) or route.methods & other.methods
            if other_index != index and same_methods and other.path_regex.match(sample):
                clashes.append(f"{route.path} also matches {other.path}")
    assert clashes == []
