"""Who may read what in the knowledge base.

- Everyone (anonymous included) reads published public articles.
- Agents and managers (desk users) also read published internal articles.
- Drafts are read in the admin only, by people with the model permission.
"""

from accounts.models import User
from tickets.permissions import is_desk_user


def can_read_internal(user: User) -> bool:
    return is_desk_user(user)
