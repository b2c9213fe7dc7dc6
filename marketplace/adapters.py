"""django-allauth adapter: its e-mails go through Lavka's outbox like every other."""

from allauth.account.adapter import DefaultAccountAdapter

from .notifications import outbox_store_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        outbox_store_message(message=message, template=template_prefix.rsplit("/", 1)[-1])
