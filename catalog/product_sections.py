"""Parts of the product page rendered by apps above catalog (the orders app's reviews), which
catalog may not import: they register a provider here from their ``AppConfig.ready()``."""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

# provider(product) -> the section's HTML, or "" to show nothing for this product.
ProductSection = Callable[[object], str]

_providers: list[ProductSection] = []


def register_product_section(provider: ProductSection) -> None:
    """Add a section to every product page, after the description, in the order of registration.

    The provider gets the Product and returns HTML rendered from its own template (it is put on
    the page as is, so it must escape what people typed, as templates do). It is called only when
    the page's cached lower part is rendered again (keyed by ``Product.updated_at``), so whatever
    changes a section must touch that product. Registering the same provider twice adds it once.
    """
    if provider not in _providers:
        _providers.append(provider)


def product_sections(product) -> list[SafeString]:
    """The sections of this product's page, empty ones left out."""
    # Providers return their templates' output (escaped there), as the docstring above requires.
    return [mark_safe(html) for html in (provider(product) for provider in _providers) if html]
