from django.urls import URLPattern, path

from motcua.outreach import views, views_public

app_name = "outreach"

urlpatterns: list[URLPattern] = [
    path("tuyen-truyen/", views.home, name="home"),
    path("tuyen-truyen/ke-hoach/moi/", views.plan_new, name="plan_new"),
    path("tuyen-truyen/ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("tuyen-truyen/ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("tuyen-truyen/ke-hoach/<int:pk>/hoat-dong/moi/", views.activity_new, name="activity_new"),
    path(
        "tuyen-truyen/ke-hoach/<int:pk>/bao-cao.<str:fmt>",
        views.plan_report,
        name="plan_report",
    ),
    path("tuyen-truyen/hoat-dong/<int:pk>/", views.activity_detail, name="activity"),
    path("tuyen-truyen/hoat-dong/<int:pk>/sua/", views.activity_edit, name="activity_edit"),
    path("tuyen-truyen/minh-chung/<int:pk>/", views.evidence_file, name="evidence"),
    path("tuyen-truyen/tong-hop/<int:unit_id>/", views.rollup, name="rollup"),
    path("tuyen-truyen/bai-viet/", views.articles_staff, name="articles_staff"),
    path("tuyen-truyen/bai-viet/<int:pk>/", views.article_edit, name="article_edit"),
    path("tuyen-truyen/tai-lieu/", views.materials, name="materials"),
    path("tuyen-truyen/tai-lieu/<int:pk>.pdf", views.material_pdf, name="material_pdf"),
    path("cai-cach-hanh-chinh/", views_public.articles, name="articles"),
    path("cai-cach-hanh-chinh/<int:pk>/", views_public.article, name="article"),
    path("cai-cach-hanh-chinh/<int:pk>/anh/", views_public.article_image, name="article_image"),
    path("cai-cach-hanh-chinh/atom.xml", views_public.ArticleFeed(), name="feed"),
]
