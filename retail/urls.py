"""Staff pages of retail, mounted at /retail/. Each area keeps its own block."""

from django.urls import path

from retail.views import allocations, ledger, replenishment, sell_through, stores
from retail.views import retailers as retailer_views

urlpatterns: list = [
    # retailers (onboarding, retailer list and detail)
    path("retailers/", retailer_views.RetailerListView.as_view(), name="retailer-list"),
    path("retailers/new/", retailer_views.RetailerCreateView.as_view(), name="retailer-create"),
    path("retailers/<str:code>/", retailer_views.RetailerDetailView.as_view(), name="retailer-detail"),
    path("retailers/<str:code>/edit/", retailer_views.RetailerUpdateView.as_view(), name="retailer-update"),
    path("retailers/<str:code>/status/", retailer_views.RetailerStatusView.as_view(), name="retailer-status"),
    path("retailers/<str:code>/invite/", retailer_views.RetailerInviteView.as_view(), name="retailer-invite"),
    path(
        "retailers/<str:code>/users/<int:user_id>/deactivate/",
        retailer_views.RetailerUserDeactivateView.as_view(),
        name="retailer-user-deactivate",
    ),
    # prepayments (accounts, statements, deposits)
    path("prepayments/", ledger.PrepaymentAccountListView.as_view(), name="prepayment-account-list"),
    path("prepayments/entries/", ledger.PrepaymentEntryListView.as_view(), name="prepayment-entry-list"),
    path("prepayments/<str:code>/", ledger.PrepaymentStatementView.as_view(), name="prepayment-statement"),
    path("prepayments/<str:code>/deposit/", ledger.PrepaymentDepositView.as_view(), name="prepayment-deposit"),
    path("prepayments/<str:code>/refund/", ledger.PrepaymentRefundView.as_view(), name="prepayment-refund"),
    path("prepayments/<str:code>/adjustment/", ledger.PrepaymentAdjustmentView.as_view(), name="prepayment-adjustment"),
    # retailer orders
    path("orders/", ledger.RetailerOrderListView.as_view(), name="retailer-order-list"),
    path("orders/new/", ledger.RetailerOrderCreateView.as_view(), name="retailer-order-create"),
    path("orders/<str:number>/", ledger.RetailerOrderDetailView.as_view(), name="retailer-order-detail"),
    path("orders/<str:number>/confirm/", ledger.RetailerOrderConfirmView.as_view(), name="retailer-order-confirm"),
    path("orders/<str:number>/cancel/", ledger.RetailerOrderCancelView.as_view(), name="retailer-order-cancel"),
    path("orders/<str:number>/ship/", ledger.RetailerOrderShipView.as_view(), name="retailer-order-ship"),
    path("orders/<str:number>/deliver/", ledger.RetailerOrderDeliverView.as_view(), name="retailer-order-deliver"),
    # allocation runs
    path("allocations/", allocations.AllocationRunListView.as_view(), name="allocation-run-list"),
    path("allocations/new/", allocations.AllocationRunCreateView.as_view(), name="allocation-run-create"),
    path("allocations/<int:pk>/", allocations.AllocationRunDetailView.as_view(), name="allocation-run-detail"),
    path("allocations/<int:pk>/apply/", allocations.AllocationRunApplyView.as_view(), name="allocation-run-apply"),
    # stores, sell-through and replenishment
    path("stores/", stores.StoreListView.as_view(), name="store-list"),
    path("stores/new/", stores.StoreCreateView.as_view(), name="store-create"),
    path("stores/<str:code>/", stores.StoreDetailView.as_view(), name="store-detail"),
    path("stores/<str:code>/edit/", stores.StoreUpdateView.as_view(), name="store-update"),
    path("stores/<str:code>/count/", stores.StoreCountView.as_view(), name="store-count"),
    path("sell-through/", sell_through.SellThroughListView.as_view(), name="sell-through-list"),
    path("sell-through/new/", sell_through.SellThroughEntryView.as_view(), name="sell-through-create"),
    path("replenishment/", replenishment.ReplenishmentView.as_view(), name="replenishment"),
    path("replenishment/accept/", replenishment.ReplenishmentAcceptView.as_view(), name="replenishment-accept"),
]
