from django.urls import path

from .views import desk, widget

app_name = "chat"

urlpatterns = [
    path("widget.js", widget.widget_script, name="widget-js"),
    path("frame/", widget.frame, name="frame"),
    path("api/start/", widget.StartView.as_view(), name="api-start"),
    path("api/conversation/", widget.ConversationView.as_view(), name="api-conversation"),
    path("api/messages/", widget.MessageView.as_view(), name="api-messages"),
    path("api/typing/", widget.TypingView.as_view(), name="api-typing"),
    path("api/read/", widget.ReadView.as_view(), name="api-read"),
    path("api/hand-over/", widget.HandOverView.as_view(), name="api-hand-over"),
    path("api/end/", widget.EndView.as_view(), name="api-end"),
    path("api/rating/", widget.RatingView.as_view(), name="api-rating"),
    path("api/file/", widget.file_download, name="api-file"),
    path("api/stream/", widget.event_stream_view, name="api-stream"),
]

# Mounted under desk/ (namespace "desk") by helpdesk.urls.
desk_patterns = [
    path("chat/", desk.ChatConsoleView.as_view(), name="chat-console"),
    path("chat/<int:pk>/", desk.ChatConsoleView.as_view(), name="chat-detail"),
    path("chat/<int:pk>/messages/", desk.ChatMessagesView.as_view(), name="chat-messages"),
    path("chat/<int:pk>/reply/", desk.ChatReplyView.as_view(), name="chat-reply"),
    path("chat/<int:pk>/typing/", desk.ChatTypingView.as_view(), name="chat-typing"),
    path("chat/<int:pk>/read/", desk.ChatReadView.as_view(), name="chat-read"),
    path("chat/<int:pk>/transfer/", desk.ChatTransferView.as_view(), name="chat-transfer"),
    path("chat/<int:pk>/end/", desk.ChatEndView.as_view(), name="chat-end"),
]
