"""URLs of this area of the administrator's pages."""

urlpatterns: list = []
