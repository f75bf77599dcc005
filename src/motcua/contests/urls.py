from django.urls import path

from motcua.contests import views

app_name = "contests"

urlpatterns = [
    path("giam-khao/", views.judge_home, name="judge_home"),
    path("giam-khao/phieu/<int:performance_id>/", views.judge_sheet, name="judge_sheet"),
    path("hoi-thi/quan-ly/", views.organiser_home, name="organiser_home"),
    path("hoi-thi/quan-ly/<int:contest_id>/", views.organiser_contest, name="organiser_contest"),
    path("hoi-thi/quan-ly/vong/<int:round_id>/", views.organiser_round, name="organiser_round"),
    path(
        "hoi-thi/quan-ly/vong/<int:round_id>/tong-hop-diem.xlsx",
        views.organiser_round_xlsx,
        name="organiser_round_xlsx",
    ),
    path("hoi-thi/", views.public_list, name="public_list"),
    path("hoi-thi/vong/<int:round_id>/", views.public_results, name="public_results"),
    path(
        "hoi-thi/giay-chung-nhan/<int:result_id>.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
]
