from django.urls import path

from retail.views.portal_home import PortalHomeView
from retail.views.portal_welcome import WelcomeView

app_name = "portal"

urlpatterns = [
    path("", PortalHomeView.as_view(), name="home"),
    path("welcome/<uidb64>/<token>/", WelcomeView.as_view(), name="welcome"),
]
