from .views.case import urlpatterns as case_urlpatterns
from .views.lists import urlpatterns as list_urlpatterns
from .views.saved_views import urlpatterns as saved_view_urlpatterns
from .views.work_queue import urlpatterns as work_queue_urlpatterns

app_name = "procedure"

urlpatterns = work_queue_urlpatterns + list_urlpatterns + saved_view_urlpatterns + case_urlpatterns
