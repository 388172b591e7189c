from django import forms
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError

from .services import user_authenticate


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    password = forms.CharField(label=_("Kata sandi"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = user_authenticate(
                    username=username, password=password, request=self.request
                )
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from None
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_record(actor=request.user, action="logout", obj=request.user)
    logout(request)
    return redirect("accounts:login")
