"""The product's URLs plus two the bench compares the register with; they
exist only under scripts/bench/settings.py, never in the product.

- ``/bench/probe/``: signed in (the project's deny-by-default middleware
  applies), one query: the floor of a signed-in page on this server.
- ``/bench/admin/``: Django's admin with the register's own admin class
  (clients/admin.py, the access policy's rows), listing as many people a page
  as /clients/ does.
"""

from django.contrib import admin
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from clients import views as client_views
from clients.admin import ClientAdmin
from clients.models import Client
from peersupport.urls import handler400  # noqa: F401 (the product's error page)
from peersupport.urls import urlpatterns as product_urlpatterns


def probe(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return HttpResponse(f"{request.user.pk} {one}", content_type="text/plain")


class SamePageClientAdmin(ClientAdmin):
    list_per_page = getattr(client_views, "PAGE_SIZE", 25)


site = admin.AdminSite(name="bench_admin")
site.register(Client, SamePageClientAdmin)

urlpatterns = [
    path("bench/probe/", probe),
    path("bench/admin/", site.urls),
    *product_urlpatterns,
]
