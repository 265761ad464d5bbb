"""What every page's frame needs: the roles the user acts in today (their own and, during a
substitution, the replaced person's), for the navigation."""

from accounts.substitutions import roles_now


def roles(request) -> dict:
    user = getattr(request, "user", None)
    return {"roles_now": roles_now(user) if user is not None and user.is_authenticated else frozenset()}
