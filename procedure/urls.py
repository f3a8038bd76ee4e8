from .views.case import urlpatterns as case_urlpatterns
from .views.law import urlpatterns as law_urlpatterns
from .views.lists import urlpatterns as list_urlpatterns

app_name = "procedure"

urlpatterns = list_urlpatterns + case_urlpatterns + law_urlpatterns
