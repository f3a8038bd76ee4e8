from .background.views import urlpatterns as background_urlpatterns
from .views.access_log import urlpatterns as access_log_urlpatterns
from .views.case import urlpatterns as case_urlpatterns
from .views.history import urlpatterns as history_urlpatterns
from .views.law import urlpatterns as law_urlpatterns
from .views.lists import urlpatterns as list_urlpatterns
from .views.reading import urlpatterns as reading_urlpatterns
from .views.saved_views import urlpatterns as saved_view_urlpatterns
from .views.subject_access import urlpatterns as subject_access_urlpatterns
from .views.transfers import urlpatterns as transfer_urlpatterns
from .views.work_queue import urlpatterns as work_queue_urlpatterns

app_name = "procedure"

urlpatterns = (
    work_queue_urlpatterns
    + list_urlpatterns
    + saved_view_urlpatterns
    + case_urlpatterns
    + history_urlpatterns
    + law_urlpatterns
    + reading_urlpatterns
    + access_log_urlpatterns
    + subject_access_urlpatterns
    + background_urlpatterns
    + transfer_urlpatterns
)
