from django.urls import path

from motcua.org import views

app_name = "account"

urlpatterns = [
    path("", views.account, name="overview"),
    path("mat-khau/", views.password_change, name="password"),
    path("xac-thuc-hai-buoc/", views.second_factor, name="second_factor"),
]
