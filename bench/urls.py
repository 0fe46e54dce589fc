"""The project's URLs plus the bare logged-in view that every page is measured against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


@login_required
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
