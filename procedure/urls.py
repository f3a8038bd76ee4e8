from .views.case import urlpatterns as case_urlpatterns
from .views.lists import urlpatterns as list_urlpatterns
from .views.reading import urlpatterns as reading_urlpatterns

app_name = "procedure"

urlpatterns = list_urlpatterns + case_urlpatterns + reading_urlpatterns
