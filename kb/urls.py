from django.urls import path

from .views import desk as desk_views
from .views import help as help_views

# Mounted at the site root by helpdesk/urls.py, in the "help" namespace.
help_patterns = [
    path("", help_views.HelpHomeView.as_view(), name="home"),
    path("search/", help_views.SearchView.as_view(), name="search"),
    path("suggest/", help_views.SuggestView.as_view(), name="suggest"),
    path("categories/<slug:slug>/", help_views.CategoryDetailView.as_view(), name="category-detail"),
    path("articles/<int:pk>/", help_views.ArticleDetailView.as_view(), name="article-detail"),
    path("articles/<int:pk>/feedback/", help_views.ArticleFeedbackView.as_view(), name="article-feedback"),
]

# Mounted under desk/ by helpdesk/urls.py, in the "desk" namespace.
desk_patterns = [
    path("kb/search/", desk_views.ArticleSearchView.as_view(), name="kb-search"),
    path("kb/tickets/<int:pk>/suggestions/", desk_views.TicketSuggestionsView.as_view(), name="kb-ticket-suggestions"),
    path(
        "kb/draft-from-message/<int:pk>/",
        desk_views.ArticleDraftFromMessageView.as_view(),
        name="kb-draft-from-message",
    ),
]
