from django.urls import path

from motcua.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("<str:code>/mau-don/<int:pk>/", views.declaration_form, name="declaration_form"),
]
