"""django-allauth adapter: its e-mails go through Lavka's outbox like every other."""

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from .notifications import outbox_store_message, render_plain_text
from .security import client_ip


def _current_site(request) -> Site:
    """The Sites row as allauth's mails show it, but with the domain of SITE_DOMAIN.

    The row is written once by a migration; SITE_DOMAIN follows PORT at every start, so a server
    on another port must not mail the old one.
    """
    site = get_current_site(request)
    return Site(pk=site.pk, name=site.name, domain=settings.SITE_DOMAIN)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth's rate limits key on the same address as django-axes (PROXY_COUNT proxies trusted).
        return client_ip(request)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mail, except that the subject and the text part are plain text (never
        HTML-escaped, whatever a template overriding allauth's forgets); an HTML part stays escaped."""
        request = allauth_context.request
        subject = " ".join(render_plain_text(f"{template_prefix}_subject.txt", context, request).split())
        body = render_plain_text(f"{template_prefix}_message.txt", context, request).strip()
        to = [email] if isinstance(email, str) else email
        message = EmailMultiAlternatives(
            self.format_email_subject(subject), body, self.get_from_email(), to, headers=headers
        )
        try:
            html = render_to_string(f"{template_prefix}_message.{app_settings.TEMPLATE_EXTENSION}", context, request)
        except TemplateDoesNotExist:
            pass
        else:
            message.attach_alternative(html.strip(), "text/html")
        return message

    def send_mail(self, template_prefix, email, context):
        # The context allauth's own send_mail gives: its mails greet from the site and name the address.
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": _current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        outbox_store_message(message=message, template=template_prefix.rsplit("/", 1)[-1])
