from django.urls import path

from motcua.feedback import views, views_pakn, views_surveys

app_name = "feedback"

urlpatterns = [
    path("danh-gia/may/", views.kiosk, name="kiosk"),
    path("danh-gia/ho-so/<str:code>/", views.account_rate, name="account_rate"),
    path("danh-gia/<str:token>/", views.rate, name="rate"),
    path("phan-hoi/may-danh-gia/", views.kiosk_admin, name="kiosk_admin"),
    path("phan-hoi/gui-may/<int:pk>/", views.kiosk_send, name="kiosk_send"),
    path("phan-hoi/phien/<int:pk>/", views.kiosk_session, name="kiosk_session"),
    path("phan-hoi/theo-doi/", views.follow_ups, name="follow_ups"),
    path("phan-hoi/theo-doi/<int:pk>/", views.follow_up, name="follow_up"),
]

urlpatterns += [
    path("phan-anh-kien-nghi/", views_pakn.pakn_published, name="pakn_published"),
    path("phan-anh-kien-nghi/gui/", views_pakn.pakn_new, name="pakn_new"),
    path("phan-anh-kien-nghi/theo-doi/<str:token>/", views_pakn.pakn_track, name="pakn_track"),
    path("phan-hoi/pakn/", views_pakn.pakn_list, name="pakn_list"),
    path("phan-hoi/pakn/nhap/", views_pakn.pakn_enter, name="pakn_enter"),
    path("phan-hoi/pakn/<int:pk>/", views_pakn.pakn_detail, name="pakn_detail"),
    path("phan-hoi/pakn/<int:pk>/tep/<int:file_pk>/", views_pakn.pakn_file, name="pakn_file"),
]

urlpatterns += [
    path("khao-sat/<str:slug>/", views_surveys.survey, name="survey"),
    path("phan-hoi/khao-sat/", views_surveys.campaigns, name="campaigns"),
    path("phan-hoi/khao-sat/<int:pk>/", views_surveys.campaign, name="campaign"),
    path("phan-hoi/khao-sat/<int:pk>/excel/", views_surveys.campaign_excel, name="campaign_excel"),
]
