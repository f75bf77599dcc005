from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("danh-gia/may/", views.kiosk, name="kiosk"),
    path("danh-gia/<str:token>/", views.rate, name="rate"),
    path("mot-cua/danh-gia/may/", views.kiosk_admin, name="kiosk_admin"),
    path("mot-cua/danh-gia/gui/<int:pk>/", views.kiosk_send, name="kiosk_send"),
    path("mot-cua/danh-gia/phien/<int:pk>/", views.kiosk_session, name="kiosk_session"),
    path("mot-cua/danh-gia/theo-doi/", views.follow_ups, name="follow_ups"),
    path("mot-cua/danh-gia/theo-doi/<int:pk>/", views.follow_up, name="follow_up"),
]
