from django.urls import path

from .views import buyer, cabinet

app_name = "referrals"

urlpatterns = [
    path("referrals/", buyer.page, name="page"),
    path("referrals/invite/", buyer.invite, name="invite"),
    path("r/<str:token>/", buyer.follow, name="follow"),
    path("cabinet/promos/", cabinet.promo_list, name="cabinet-promos"),
    path("cabinet/promos/new/", cabinet.promo_edit, name="cabinet-promo-new"),
    path("cabinet/promos/<int:pk>/", cabinet.promo_edit, name="cabinet-promo-edit"),
    path("cabinet/promos/<int:pk>/toggle/", cabinet.promo_toggle, name="cabinet-promo-toggle"),
    path("cabinet/promos/<int:pk>/duplicate/", cabinet.promo_duplicate, name="cabinet-promo-duplicate"),
]
