"""The buyer's pages are tried first in the URL map (speed): no address may belong to two patterns,
or the order would decide which page answers."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve

SAMPLES = {
    "int": "7",
    "slug": "anna-shop",
    "str": "N-1001",
    "path": "a/b",
    "uuid": "12345678-1234-5678-1234-567812345678",
}


def patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def sample(route: str) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None  # regular expressions (admin, media): not ours to order
    out = route
    while "<" in out:
        start, end = out.index("<"), out.index(">")
        kind = out[start + 1 : end].split(":")[0] if ":" in out[start + 1 : end] else "str"
        out = out[:start] + SAMPLES.get(kind, "x") + out[end + 1 :]
    return "/" + out


def test_each_address_is_answered_by_the_pattern_it_was_made_from():
    clashes = []
    for route, entry in patterns(get_resolver()):
        path = sample(route)
        if path is None or route.startswith("admin/"):
            continue
        match = resolve(path)
        if match.func is not entry.callback and getattr(match.func, "__wrapped__", None) is not entry.callback:
            clashes.append(f"{path}: made from «{route}», answered by {match.view_name or match.func}")
    assert not clashes, "\n".join(clashes)
