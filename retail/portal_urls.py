from django.urls import path

from retail.views.portal_catalog import CatalogView
from retail.views.portal_home import NoticeReadView, PortalHomeView
from retail.views.portal_orders import (
    PortalOrderCancelView,
    PortalOrderConfirmView,
    PortalOrderCreateView,
    PortalOrderDetailView,
    PortalOrderListView,
)
from retail.views.portal_statement import StatementView
from retail.views.portal_stores import (
    PortalStoreDetailView,
    PortalStoreListView,
    StoreUploadView,
    UploadTemplateView,
)
from retail.views.portal_users import PortalUserDeactivateView, PortalUsersView
from retail.views.portal_welcome import WelcomeView

app_name = "portal"

urlpatterns = [
    path("", PortalHomeView.as_view(), name="home"),
    path("welcome/<uidb64>/<token>/", WelcomeView.as_view(), name="welcome"),
    path("notices/read/", NoticeReadView.as_view(), name="notices-read"),
    path("notices/<int:pk>/read/", NoticeReadView.as_view(), name="notice-read"),
    path("catalog/", CatalogView.as_view(), name="catalog"),
    path("orders/", PortalOrderListView.as_view(), name="orders"),
    path("orders/new/", PortalOrderCreateView.as_view(), name="order-create"),
    path("orders/<str:number>/", PortalOrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", PortalOrderCancelView.as_view(), name="order-cancel"),
    path("orders/<str:number>/confirm/", PortalOrderConfirmView.as_view(), name="order-confirm"),
    path("statement/", StatementView.as_view(), name="statement"),
    path("users/", PortalUsersView.as_view(), name="users"),
    path("users/<int:pk>/deactivate/", PortalUserDeactivateView.as_view(), name="user-deactivate"),
    path("stores/", PortalStoreListView.as_view(), name="stores"),
    path("stores/upload/<str:kind>/", StoreUploadView.as_view(), name="store-upload"),
    path("stores/upload/<str:kind>/template/", UploadTemplateView.as_view(), name="store-upload-template"),
    path("stores/<str:code>/", PortalStoreDetailView.as_view(), name="store-detail"),
]
