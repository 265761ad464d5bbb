from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = _("Проектный офис департамента образования")
admin.site.site_title = _("Проектный офис")
admin.site.index_title = _("Управление планом заседаний")

# No route serves MEDIA_ROOT, in any mode: uploaded results are private and go out only through
# views that check who asks (/api/tasks/{id}/result/file/, /tasks/<id>/result/file/).

# Under /api/ even an unknown URL or a crash answers in the API's error shape (config.api_errors).
handler404 = "config.api_errors.not_found"
handler500 = "config.api_errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # A person opening the docs in a browser is sent to the login page first.
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the footer's language switch
    # The plan's documents (downloads, import), before the plans' router so its paths win.
    path("api/", include("documents.urls")),
    # Each app mounts its own API under /api/ (see DESIGN.md); approvals are fired through
    # the plans' and items' endpoints of workflow. The most used first: a path is matched against
    # the patterns in order, and a router's are many (about 1 µs each, docs/BENCHMARKS.md).
    path("api/", include("tasks.api_urls")),
    path("api/", include("workflow.api_urls")),
    path("api/", include("accounts.api_urls")),
    path("api/", include("meetings.urls")),  # protocols; a session's agenda and materials
    path("", include("calendars.urls")),
    # The pages people use (web/), at the site root, after everything under /api/ and /admin/.
    path("", include("web.urls")),
]
