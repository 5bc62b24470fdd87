"""The administrator's pages (namespace "setup"). Each area keeps its own URL list."""

from sidebar.setup import account_urls, org_urls

app_name = "setup"
urlpatterns = [*org_urls.urlpatterns, *account_urls.urlpatterns]
