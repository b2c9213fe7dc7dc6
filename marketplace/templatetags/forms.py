"""Template filters for rendering form fields with Bootstrap classes."""

from django import template

register = template.Library()


@register.filter
def add_class(field, css_class):
    """Render a bound field's widget with extra CSS classes (and is-invalid on errors)."""
    attrs = dict(field.field.widget.attrs)
    classes = [attrs.get("class", ""), css_class]
    if field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)
