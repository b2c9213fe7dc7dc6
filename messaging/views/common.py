"""What the buyer's and the seller's conversation pages share: the thread, the form, files, polling."""

import os

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from marketplace.forms import call_service
from marketplace.media import IMAGE_TYPES, file_download, private_image

from .. import selectors, services
from ..forms import MessageForm


def thread_context(request, conversation, side: str, *, poll_name: str) -> dict:
    messages = selectors.thread(conversation=conversation, viewer=request.user if side == "buyer" else None)
    state = selectors.thread_state(messages)
    return {
        "conversation": conversation,
        "thread": messages,
        "side": side,
        "state": state,
        "poll_url": reverse(poll_name, kwargs={"pk": conversation.pk}) + f"?state={state}",
        "poll_seconds": settings.MESSAGING_POLL_SECONDS,
        "truncated": len(messages) >= selectors.THREAD_LIMIT,
    }


def send_from(request, conversation, side: str, *, orders, product=None, redirect_name: str):
    """Handle the message form: (form, None) to show again with its errors, or (None, redirect)."""
    form = MessageForm(request.POST, request.FILES, orders=orders)
    sent = form.is_valid() and call_service(
        form, services.message_send, conversation=conversation, author=request.user, side=side,
        text=form.cleaned_data["text"], order=form.chosen_order(), product=product,
        files=form.cleaned_data["files"],
    )  # fmt: skip
    if not sent:
        return form, None
    return None, redirect(reverse(redirect_name, kwargs={"pk": conversation.pk}) + "#composer")


def poll(request, conversation, side: str, *, poll_name: str):
    """The thread, re-rendered only when something changed (204 otherwise: htmx keeps the page)."""
    services.message_read(conversation=conversation, reader_side=side)
    context = thread_context(request, conversation, side, poll_name=poll_name)
    if request.GET.get("state") == context["state"]:
        return HttpResponse(status=204)
    return render(request, "messaging/includes/thread.html", context)


def attachment_response(attachment):
    """A message's file for one of the conversation's sides: photos inline, PDFs as downloads."""
    if attachment.is_image and os.path.splitext(attachment.file.name)[1].lower() in IMAGE_TYPES:
        return private_image(attachment.file)
    return file_download(attachment.file, filename=attachment.name, content_type="application/pdf")
