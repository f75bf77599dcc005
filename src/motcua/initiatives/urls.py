from django.urls import path

from motcua.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("sang-kien/", views.registry, name="registry"),
    path("sang-kien/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("sang-kien/<int:pk>/hoi-dong/", views.council_scoring, name="council"),
    path("sang-kien/mo-hinh/<int:pk>/", views.model_detail, name="model_detail"),
]
