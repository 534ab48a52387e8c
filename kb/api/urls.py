"""Knowledge-base API routes, mounted under api/ in the "api" namespace: api:kb-article-list,
api:kb-article-detail."""

from rest_framework.routers import SimpleRouter

from .views import ArticleViewSet

router = SimpleRouter()
router.register("kb/articles", ArticleViewSet, basename="kb-article")

api_patterns: list = router.urls
