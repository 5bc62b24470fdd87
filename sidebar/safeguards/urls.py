"""Every URL here has its rule in sidebar/policy.py (URL_RULES, "safeguards:…")."""

from django.urls import path

from sidebar.safeguards import views

app_name = "safeguards"
urlpatterns = [
    path("documents/", views.document_list, name="documents"),
    path("documents/<slug:kind>/", views.document_detail, name="document"),
    path("documents/<slug:kind>/publish/", views.publish, name="publish"),
    path("agreement/sign/", views.sign, name="sign"),
    path("exceptions/", views.exception_list, name="exceptions"),
    path("exceptions/raise/<uuid:request_id>/", views.raise_exception, name="raise"),
    path("exceptions/<uuid:pk>/", views.exception_detail, name="exception"),
    path("exceptions/<uuid:pk>/advise/", views.advise, name="advise"),
    path("exceptions/<uuid:pk>/decide/", views.decide, name="decide"),
    path("exceptions/<uuid:pk>/disclose/", views.disclose, name="disclose"),
    path("exceptions/<uuid:pk>/note/", views.note, name="note"),
]
