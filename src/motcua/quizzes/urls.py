from django.urls import path

from motcua.quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("thi-truc-tuyen/", views.rounds, name="rounds"),
    path("thi-truc-tuyen/tuan/<int:round_id>/", views.round_page, name="round"),
    path("thi-truc-tuyen/bai/<str:token>/", views.attempt_page, name="attempt"),
    path("thi-truc-tuyen/bai/<str:token>/luu/", views.attempt_save, name="attempt_save"),
    path("thi-truc-tuyen/bai/<str:token>/ket-qua/", views.attempt_result, name="attempt_result"),
    path("to-chuc-thi/", views.organiser_home, name="organiser_home"),
    path("to-chuc-thi/mau-ngan-hang.xlsx", views.bank_template_download, name="bank_template"),
    path("to-chuc-thi/cuoc-thi/<int:quiz_id>/", views.organiser_quiz, name="organiser_quiz"),
    path("to-chuc-thi/tuan/<int:round_id>/", views.organiser_round, name="organiser_round"),
    path(
        "to-chuc-thi/luot-thi/<int:attempt_id>/loai/",
        views.organiser_disqualify,
        name="organiser_disqualify",
    ),
]
