from django.urls import path

from . import views

# Mounted at the root in the "help" namespace, and under desk/ in the "desk" namespace.
help_patterns = [
    path("account/data/", views.MyDataView.as_view(), name="my-data"),
    path("account/data/export/", views.MyDataExportView.as_view(), name="my-data-export"),
    path("account/data/erase/", views.MyDataEraseView.as_view(), name="my-data-erase"),
]
desk_patterns = [
    path("customers/<int:pk>/data/export/", views.CustomerExportView.as_view(), name="customer-data-export"),
    path("customers/<int:pk>/data/erase/", views.CustomerEraseView.as_view(), name="customer-data-erase"),
]
