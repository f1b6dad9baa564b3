from django.shortcuts import render


class RoleRequiredMiddleware:
    """A signed-in user without a role sees nothing but a page asking them to
    get one from an administrator (status 403), whatever they open.

    Pages open to everyone (`login_not_required`: signing in, a partner's
    answer link) and signing out stay as they are. Runs after
    LoginRequiredMiddleware, so an anonymous visitor is still sent to sign in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if request.resolver_match.view_name == "logout" or user.has_a_role():
            return None
        return render(request, "accounts/no_role.html", status=403)
