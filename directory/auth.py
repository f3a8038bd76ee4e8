from django.contrib.auth.backends import ModelBackend


class LockoutModelBackend(ModelBackend):
    """E-mail and password; a locked account cannot sign in until its lock expires."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_locked()
