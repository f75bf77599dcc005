from django.urls import URLPattern

app_name = "parindex"

urlpatterns: list[URLPattern] = []
