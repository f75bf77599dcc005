"""The public "Cải cách hành chính" section: articles, their pictures and the Atom feed."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.core.net import client_address
from motcua.outreach import selectors as sel
from motcua.outreach import services as s
from motcua.outreach.models import Article, Topic

PAGE_SIZE = 10


@require_GET
def articles(request: HttpRequest) -> HttpResponse:
    listed = sel.articles_published()
    topic = Topic.objects.filter(code=request.GET.get("chu-de", "")).first()
    if topic is not None:
        listed = listed.filter(topic=topic)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "outreach/articles.html",
        {"page": page, "topics": Topic.objects.filter(active=True), "topic": topic},
    )


@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    found = sel.articles_published().filter(pk=pk).first()
    if found is None:
        return render(
            request,
            "outreach/message.html",
            {"message": _("This article does not exist or is not published yet.")},
            status=404,
        )
    s.article_count_view(
        found, address=client_address(request), user_agent=request.headers.get("User-Agent", "")
    )
    return render(request, "outreach/article.html", {"article": found})


@require_GET
def article_image(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = sel.articles_published().filter(pk=pk).exclude(image="").first()
    if found is None:
        return HttpResponse(status=404)
    kind = "image/png" if found.image.endswith(".png") else "image/jpeg"
    response = FileResponse(default_storage.open(found.image, "rb"), content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


class ArticleFeed(Feed):  # type: ignore[type-arg]
    """The newest published reform articles as an Atom feed."""

    feed_type = Atom1Feed
    title = gettext_lazy("Administrative reform")
    subtitle = gettext_lazy("News on administrative reform")

    def link(self) -> str:
        return reverse("outreach:articles")

    def items(self) -> Any:
        return sel.articles_published()[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary or strip_tags(item.body)[:300]

    def item_link(self, item: Article) -> str:
        return reverse("outreach:article", args=[item.pk])

    def item_pubdate(self, item: Article) -> Any:
        return item.publish_at

    def item_updateddate(self, item: Article) -> Any:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.topic.name]
