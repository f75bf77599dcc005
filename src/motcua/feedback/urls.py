from django.urls import path

from motcua.feedback import views, views_pakn, views_surveys

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

urlpatterns += [
    path("phan-anh-kien-nghi/", views_pakn.pakn_published, name="pakn_published"),
    path("phan-anh-kien-nghi/gui/", views_pakn.pakn_new, name="pakn_new"),
    path("phan-anh-kien-nghi/theo-doi/<str:token>/", views_pakn.pakn_track, name="pakn_track"),
    path("mot-cua/phan-anh-kien-nghi/", views_pakn.pakn_list, name="pakn_list"),
    path("mot-cua/phan-anh-kien-nghi/nhap/", views_pakn.pakn_enter, name="pakn_enter"),
    path("mot-cua/phan-anh-kien-nghi/<int:pk>/", views_pakn.pakn_detail, name="pakn_detail"),
]

urlpatterns += [
    path("khao-sat/<str:slug>/", views_surveys.survey, name="survey"),
    path("mot-cua/khao-sat/", views_surveys.campaigns, name="campaigns"),
    path("mot-cua/khao-sat/<int:pk>/", views_surveys.campaign, name="campaign"),
    path("mot-cua/khao-sat/<int:pk>/excel/", views_surveys.campaign_excel, name="campaign_excel"),
]
