"""Help center pages (the customer's surface at /)."""

from typing import Any

from django.views.generic import TemplateView

from accounts.selectors import customer_purchases_own
from tickets.models import Category


class HelpHomeView(TemplateView):
    """Open to everyone. Signed-in customers also see what they bought and their progress."""

    template_name = "kb/help/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        orders, enrollments = customer_purchases_own(actor=self.request.user)
        context.update(
            topics=list(Category.objects.filter(is_active=True)),
            orders=orders,
            enrollments=enrollments,
        )
        return context
