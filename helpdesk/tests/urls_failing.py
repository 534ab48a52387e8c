"""The product's URLs plus one view that fails, for the 500 page's test."""

from django.urls import path

from helpdesk.urls import urlpatterns as product_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*product_urlpatterns, path("failing/", failing_view)]
