"""Seller cabinet: the marketing report (orders by source, views, likes, top products) and its CSV."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shops.views.cabinet import seller_required

from ..attribution import OrderSource
from ..reports import PeriodForm, Preset, day_bars, marketing_report, source_bars


def _report_for(request, shop):
    form = PeriodForm(request.GET)  # an empty query is valid: the default preset
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, marketing_report(shop=shop, start=data["date_from"], end=data["date_to"])


@seller_required
def report(request, shop):
    form, result = _report_for(request, shop)
    context = {"shop": shop, "form": form, "report": result, "presets": Preset.CHOICES,
               "preset": form.cleaned_data.get("preset", "") if result else ""}  # fmt: skip
    if result:
        context |= {"source_chart": source_bars(result.sources), "day_chart": day_bars(result.days)}
    return render(request, "orders/cabinet/marketing.html", context, status=200 if result else 400)


def _money(value) -> str:
    return f"{value:.2f}".replace(".", ",")  # Excel in Russian reads a decimal comma


@seller_required
def report_csv(request, shop):
    form, result = _report_for(request, shop)
    if result is None:
        return HttpResponse("\n".join(str(e) for e in form.non_field_errors() or form.errors.values()),
                            status=400, content_type="text/plain; charset=utf-8")  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"marketing-{shop.slug}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer = csv.writer(response, delimiter=";")  # Russian Excel splits columns on «;»
    writer.writerow(
        [_("Source"), _("Link"), _("Orders"), _("Cancelled orders"), _("Revenue, ₽"), _("Share of orders, %")]
    )
    for row in result.sources:
        writer.writerow([row.label, "", row.orders, row.cancelled, _money(row.revenue), row.share])
    for host in result.referral_hosts:
        for url, orders, revenue in host.links:
            writer.writerow([f"{OrderSource.REFERRAL.label}: {host.host}", url, orders, "", _money(revenue), ""])
    cancelled = sum(row.cancelled for row in result.sources)
    writer.writerow([_("In all"), "", result.orders, cancelled, _money(result.revenue), 100 if result.orders else 0])
    return response
